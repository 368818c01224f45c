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
    // Spin checks mounts against the application directory as an absolute path; so do we
    // (`--from spin.toml` gives an empty `base`, which every path would start with).
    let base = &absolute(base)?;
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
                        bail!("component `{id}`: {}", outside(&full.to_string_lossy()));
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
                let from = base.join(source);
                if !from.starts_with(base) {
                    let shown = if from.is_dir() {
                        from.join("**/*")
                    } else {
                        from.clone()
                    };
                    bail!("component `{id}`: {}", outside(&shown.to_string_lossy()));
                }
                copy_into(&from, &root.join(dest))?;
            }
        }
    }
    Ok(Some(root))
}

/// `path` made absolute against the working directory (an empty path is the directory
/// itself: the manifest's directory when `--from spin.toml` names no directory).
fn absolute(path: &Path) -> std::io::Result<PathBuf> {
    if path.as_os_str().is_empty() {
        std::env::current_dir()
    } else {
        std::path::absolute(path)
    }
}

/// Spin's refusal of a mount source outside the manifest's directory (crates/loader,
/// `copy_glob`): the check is on the path as written, joined to the application directory,
/// so an absolute path elsewhere is refused and a symlink inside the directory is not.
fn outside(pattern: &str) -> String {
    format!(
        "{pattern} cannot be mapped because it is outside the application directory. Files must be within the application directory."
    )
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
