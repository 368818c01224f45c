//! Content types by file extension: the kinds of file a Vite build and the shop's static
//! files produce. Anything else is `application/octet-stream`, which, with `nosniff`, a
//! browser neither runs nor renders.

/// The `content-type` for `file` (a path; only its extension matters, case-insensitively).
pub fn content_type(file: &str) -> &'static str {
    let name = file.rsplit('/').next().unwrap_or(file);
    let Some((_, ext)) = name.rsplit_once('.') else {
        return OCTET_STREAM;
    };
    match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "txt" => "text/plain; charset=utf-8",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "wasm" => "application/wasm",
        _ => OCTET_STREAM,
    }
}

const OCTET_STREAM: &str = "application/octet-stream";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_output_gets_its_types() {
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(
            content_type("assets/index-B2xY.js"),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(
            content_type("assets/index-B2xY.css"),
            "text/css; charset=utf-8"
        );
        assert_eq!(content_type("assets/index-B2xY.js.map"), "application/json");
        assert_eq!(content_type("favicon.svg"), "image/svg+xml");
        assert_eq!(content_type("assets/inter.woff2"), "font/woff2");
    }

    #[test]
    fn the_extension_is_matched_without_case() {
        assert_eq!(content_type("LOGO.PNG"), "image/png");
    }

    #[test]
    fn unknown_or_missing_extensions_are_opaque_bytes() {
        assert_eq!(content_type("assets/chunk"), "application/octet-stream");
        assert_eq!(content_type("data.bin"), "application/octet-stream");
        assert_eq!(content_type("dir.js/file"), "application/octet-stream");
    }
}
