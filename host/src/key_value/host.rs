//! `fermyon:spin/key-value@2.0.0` for guests.

use redis::AsyncCommands as _;
use wasmtime::component::Resource;

use super::{Backend, KvStore};
use crate::bindings::key_value::{Error, Host, HostStore};
use crate::runtime::InstanceState;

type Outcome<T> = wasmtime::Result<Result<T, Error>>;

/// A backend failure: the server's or the disk's fault, reported to the guest; the cause
/// is logged because the guest's message is deliberately short.
fn backend_error(label: &str, e: impl std::fmt::Display) -> Error {
    tracing::warn!(store = label, error = %e, "key-value backend error");
    Error::Other(format!("store `{label}` is unavailable"))
}

impl InstanceState {
    fn kv(&self, store: &Resource<KvStore>) -> wasmtime::Result<(String, Backend)> {
        let s = self.table.get(store)?;
        Ok((s.label.clone(), s.backend.clone()))
    }
}

async fn kv_redis(
    clients: std::sync::Arc<crate::outbound_redis::RedisClients>,
    label: &str,
    url: &str,
) -> Result<redis::aio::ConnectionManager, Error> {
    clients.get(url).await.map_err(|e| backend_error(label, e))
}

impl Host for InstanceState {}

impl HostStore for InstanceState {
    async fn open(&mut self, label: String) -> Outcome<Resource<KvStore>> {
        if !self.component.key_value_stores.contains(&label) {
            return Ok(Err(Error::AccessDenied));
        }
        let Some(backend) = self.services.kv.get(&label).cloned() else {
            // Checked at start-up; reaching this means the label vanished.
            return Ok(Err(Error::NoSuchStore));
        };
        Ok(Ok(self.table.push(KvStore { label, backend })?))
    }

    async fn get(&mut self, store: Resource<KvStore>, key: String) -> Outcome<Option<Vec<u8>>> {
        let (label, backend) = self.kv(&store)?;
        Ok(match backend {
            Backend::Embedded(db) => db
                .get(&label, key)
                .await
                .map_err(|e| backend_error(&label, e)),
            Backend::Redis(url) => {
                match kv_redis(self.services.redis.clone(), &label, &url).await {
                    Ok(mut c) => c.get(key).await.map_err(|e| backend_error(&label, e)),
                    Err(e) => Err(e),
                }
            }
        })
    }

    async fn set(&mut self, store: Resource<KvStore>, key: String, value: Vec<u8>) -> Outcome<()> {
        let (label, backend) = self.kv(&store)?;
        Ok(match backend {
            Backend::Embedded(db) => db
                .set(&label, key, value)
                .await
                .map_err(|e| backend_error(&label, e)),
            Backend::Redis(url) => {
                match kv_redis(self.services.redis.clone(), &label, &url).await {
                    Ok(mut c) => c
                        .set(key, value)
                        .await
                        .map_err(|e| backend_error(&label, e)),
                    Err(e) => Err(e),
                }
            }
        })
    }

    async fn delete(&mut self, store: Resource<KvStore>, key: String) -> Outcome<()> {
        let (label, backend) = self.kv(&store)?;
        Ok(match backend {
            Backend::Embedded(db) => db
                .delete(&label, key)
                .await
                .map_err(|e| backend_error(&label, e)),
            Backend::Redis(url) => {
                match kv_redis(self.services.redis.clone(), &label, &url).await {
                    Ok(mut c) => c
                        .del::<_, i64>(key)
                        .await
                        .map(drop)
                        .map_err(|e| backend_error(&label, e)),
                    Err(e) => Err(e),
                }
            }
        })
    }

    async fn exists(&mut self, store: Resource<KvStore>, key: String) -> Outcome<bool> {
        let (label, backend) = self.kv(&store)?;
        Ok(match backend {
            Backend::Embedded(db) => db
                .get(&label, key)
                .await
                .map(|v| v.is_some())
                .map_err(|e| backend_error(&label, e)),
            Backend::Redis(url) => {
                match kv_redis(self.services.redis.clone(), &label, &url).await {
                    Ok(mut c) => c.exists(key).await.map_err(|e| backend_error(&label, e)),
                    Err(e) => Err(e),
                }
            }
        })
    }

    async fn get_keys(&mut self, store: Resource<KvStore>) -> Outcome<Vec<String>> {
        let (label, backend) = self.kv(&store)?;
        Ok(match backend {
            Backend::Embedded(db) => db.keys(&label).await.map_err(|e| backend_error(&label, e)),
            // Spin's Redis store lists the whole database; SCAN does the same without
            // blocking the server the way KEYS does.
            Backend::Redis(url) => {
                match kv_redis(self.services.redis.clone(), &label, &url).await {
                    Ok(mut c) => scan_all(&mut c).await.map_err(|e| backend_error(&label, e)),
                    Err(e) => Err(e),
                }
            }
        })
    }

    async fn drop(&mut self, store: Resource<KvStore>) -> wasmtime::Result<()> {
        self.table.delete(store)?;
        Ok(())
    }
}

async fn scan_all(c: &mut redis::aio::ConnectionManager) -> redis::RedisResult<Vec<String>> {
    let mut cursor: u64 = 0;
    let mut keys = Vec::new();
    loop {
        let (next, batch): (u64, Vec<String>) = redis::cmd("SCAN")
            .arg(cursor)
            .arg("COUNT")
            .arg(1000)
            .query_async(c)
            .await?;
        keys.extend(batch);
        if next == 0 {
            return Ok(keys);
        }
        cursor = next;
    }
}
