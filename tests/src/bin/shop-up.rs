//! `shop-up [--spin <spin binary>] [component…]`: the whole shop (or the named components;
//! the gateway is always there) on a free loopback port, with fresh databases, keys and
//! Redis prefix, for tests that drive it from outside Rust (the storefront's browser tests).
//! With `--spin`, real Spin serves it instead of redshop.
//!
//! Prints `SHOP_URL=<base url>` on stdout once it serves, then runs until SIGTERM or
//! SIGINT, when it stops redshop and removes its databases and Redis keys.

use redshop_e2e::shop::{ALL, Shop};

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!(
            "usage: shop-up [--spin <spin binary>] [component…]   (components: {})",
            ALL.join(", ")
        );
        return;
    }
    let spin = match args.iter().position(|a| a == "--spin") {
        Some(at) if at + 1 < args.len() => {
            let path = args.remove(at + 1);
            args.remove(at);
            Some(std::path::PathBuf::from(path))
        }
        Some(_) => {
            eprintln!("shop-up: --spin needs the path of a spin binary");
            std::process::exit(2);
        }
        None => None,
    };
    let builder = if args.is_empty() {
        Shop::builder().components(&ALL)
    } else {
        let ids: Vec<&str> = args.iter().map(String::as_str).collect();
        Shop::builder().components(&ids)
    };
    let builder = match spin {
        Some(spin) => builder.on_spin(spin),
        None => builder,
    };
    let shop = builder.start();
    println!("SHOP_URL={}", shop.base());
    eprintln!(
        "shop-up: serving {} (redis prefix {}); stop with SIGTERM or Ctrl-C",
        shop.base(),
        shop.prefix()
    );
    redshop_e2e::block_on(async {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
        tokio::select! {
            _ = term.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
    });
    drop(shop);
}
