//! Reading a file the rules chose from the `files` mount (the WASI filesystem preopened at
//! `/`, read-only). The path is an `AssetPath` from the rules crate, so it cannot leave the
//! mount; the host's preopen would refuse that anyway.

use std::io::ErrorKind;

use redshop_storefront::Asset;

use crate::error::ServeError;

/// The bytes of `asset`'s file, or the reason there are none.
pub fn read(asset: &Asset) -> Result<Vec<u8>, ServeError> {
    let path = format!("/{}", asset.file);
    match std::fs::read(&path) {
        Ok(bytes) => Ok(bytes),
        // A directory (`/assets`) or a missing file is a 404, unless it is the app's shell,
        // which every build has: its absence means the mount is empty or wrong.
        Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::IsADirectory) => {
            if asset.fallback || asset.file == redshop_storefront::INDEX {
                Err(ServeError::internal(format!(
                    "{path} is missing from the files mount (was frontend/dist built?)"
                )))
            } else {
                Err(ServeError::NotFound)
            }
        }
        Err(e) => Err(ServeError::internal(format!("reading {path}: {e}"))),
    }
}
