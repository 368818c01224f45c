//! The signing key `make keys` writes (`scripts/keys.sh` → `.env`) is what the user service
//! signs with, on redshop and on real Spin: both read `.env` from the directory they run in,
//! which for `make up` and for the README's `spin up` is the repository root. Without the
//! key the user service could issue no token, so a sign-in proves it was read.

use redshop_e2e::shop::Shop;
use redshop_testkit::spin_binary;
use serde_json::json;

fn sign_up_and_in(shop: &Shop) {
    let email = "env.file@example.com";
    let password = "a key read from dotenv";
    let registered = shop.send(
        "POST",
        "/auth/register",
        None,
        Some(&json!({ "email": email, "password": password, "display_name": "Env File" })),
    );
    assert_eq!(registered.status, 201, "{}", registered.text);
    let login = shop.send(
        "POST",
        "/auth/login",
        None,
        Some(&json!({ "email": email, "password": password })),
    );
    assert_eq!(login.status, 200, "{}", login.text);
    let token = login.json["access_token"].as_str().expect("token");
    let me = shop.send("GET", "/me", Some(token), None);
    assert_eq!(me.status, 200, "{}", me.text);
    assert_eq!(me.json["email"], email);
}

#[test]
fn redshop_reads_the_signing_key_from_the_env_file_keys_sh_writes() {
    let shop = Shop::builder()
        .components(&["gateway", "user"])
        .signing_key_from_env_file()
        .start();
    sign_up_and_in(&shop);
}

#[test]
fn spin_reads_the_signing_key_from_the_env_file_keys_sh_writes() {
    let Some(spin) = spin_binary("spin_reads_the_signing_key_from_the_env_file_keys_sh_writes")
    else {
        return;
    };
    let shop = Shop::builder()
        .components(&["gateway", "user"])
        .signing_key_from_env_file()
        .on_spin(spin)
        .start();
    sign_up_and_in(&shop);
}
