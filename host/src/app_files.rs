//! A component's `files`: copied once at start-up into a private staging directory that
//! is mounted read-only at `/`. Staging (rather than mounting the app directory) means a
//! component sees exactly the files its manifest lists, as with Spin, and nothing else of
//! the source tree.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use redshop_spin::manifest::{Component, FileMount};

/// Stage `component`'s files under `state_dir`, or return `None` if it has none.
pub fn stage(
    id: &str,
    component: &Component,
    base: &Path,
    state_dir: &Path,
) -> anyhow::Result<Option<PathBuf>> {
    if component.files.is_empty() {
        return Ok(None);
    }
    let root = state_dir.join("files").join(id);
    if root.exists() {
        std::fs::remove_dir_all(&root).with_context(|| format!("clearing {}", root.display()))?;
    }
    std::fs::create_dir_all(&root).with_context(|| format!("creating {}", root.display()))?;
    let excluded = component
        .exclude_files
        .iter()
        .map(|p| glob::Pattern::new(p))
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("component `{id}`: field `exclude_files`"))?;
    for mount in &component.files {
        match mount {
            FileMount::Pattern(pattern) => {
                let full = base.join(pattern);
                let matches = glob::glob(&full.to_string_lossy()).with_context(|| {
                    format!("component `{id}`: field `files`: bad pattern `{pattern}`")
                })?;
                for entry in matches {
                    let path = entry.with_context(|| format!("component `{id}`: field `files`"))?;
                    let Ok(relative) = path.strip_prefix(base) else {
                        continue;
                    };
                    if excluded.iter().any(|p| p.matches_path(relative)) {
                        continue;
                    }
                    copy_into(&path, &root.join(relative))?;
                }
            }
            FileMount::Placement {
                source,
                destination,
            } => {
                let dest = destination.trim_start_matches('/');
                if Path::new(dest)
                    .components()
                    .any(|c| matches!(c, std::path::Component::ParentDir))
                {
                    bail!(
                        "component `{id}`: field `files`: destination `{destination}` leaves the mount"
                    );
                }
                copy_into(&base.join(source), &root.join(dest))?;
            }
        }
    }
    Ok(Some(root))
}

fn copy_into(from: &Path, to: &Path) -> anyhow::Result<()> {
    if from.is_dir() {
        std::fs::create_dir_all(to)?;
        for entry in std::fs::read_dir(from)? {
            let entry = entry?;
            copy_into(&entry.path(), &to.join(entry.file_name()))?;
        }
    } else {
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(from, to).with_context(|| format!("copying {}", from.display()))?;
    }
    Ok(())
}
