//! The embedded key-value backend: a `redb` database file (or memory), one table per
//! label. redb calls block, so they run on tokio's blocking pool.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context as _;
use redb::{Database, ReadableTable as _, TableDefinition};

/// One database file shared by every label stored in it.
pub struct Embedded {
    db: Arc<Database>,
}

fn table(label: &str) -> TableDefinition<'_, &'static str, &'static [u8]> {
    TableDefinition::new(label)
}

impl Embedded {
    /// Open (or create) the file at `path`.
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        let db = Database::create(path).with_context(|| format!("opening {}", path.display()))?;
        Ok(Self { db: Arc::new(db) })
    }

    /// A store that lives only as long as the process.
    pub fn in_memory() -> anyhow::Result<Self> {
        let db = Database::builder().create_with_backend(redb::backends::InMemoryBackend::new())?;
        Ok(Self { db: Arc::new(db) })
    }

    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Database) -> anyhow::Result<T> + Send + 'static,
    ) -> anyhow::Result<T> {
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || f(&db))
            .await
            .context("key-value worker failed")?
    }

    /// The value of `key` in `label`.
    pub async fn get(&self, label: &str, key: String) -> anyhow::Result<Option<Vec<u8>>> {
        let label = label.to_owned();
        self.blocking(move |db| {
            let tx = db.begin_read()?;
            let t = match tx.open_table(table(&label)) {
                Ok(t) => t,
                Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
                Err(e) => return Err(e.into()),
            };
            Ok(t.get(key.as_str())?.map(|v| v.value().to_vec()))
        })
        .await
    }

    /// Set `key` in `label` (insert or replace).
    pub async fn set(&self, label: &str, key: String, value: Vec<u8>) -> anyhow::Result<()> {
        let label = label.to_owned();
        self.blocking(move |db| {
            let tx = db.begin_write()?;
            tx.open_table(table(&label))?
                .insert(key.as_str(), value.as_slice())?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    /// Remove `key` from `label`; a missing key is not an error.
    pub async fn delete(&self, label: &str, key: String) -> anyhow::Result<()> {
        let label = label.to_owned();
        self.blocking(move |db| {
            let tx = db.begin_write()?;
            tx.open_table(table(&label))?.remove(key.as_str())?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    /// Every key in `label`.
    pub async fn keys(&self, label: &str) -> anyhow::Result<Vec<String>> {
        let label = label.to_owned();
        self.blocking(move |db| {
            let tx = db.begin_read()?;
            let t = match tx.open_table(table(&label)) {
                Ok(t) => t,
                Err(redb::TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
                Err(e) => return Err(e.into()),
            };
            let mut keys = Vec::new();
            for entry in t.iter()? {
                keys.push(entry?.0.value().to_owned());
            }
            Ok(keys)
        })
        .await
    }
}
