//! Test fixture: the shared old-SDK guest (`../../shared/guest.rs`) built against spin-sdk
//! 3.x, whose `spin_sdk` paths it uses unchanged.

/// Which SDK major this build is, reported by `/hello`.
const SDK: &str = "spin-sdk 3";

include!("../../shared/guest.rs");
