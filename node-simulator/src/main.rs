use clap::Parser;
use node_simulator::{AppState, Config, router};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let config = Config::parse();
    let listen = config.listen;
    let state = match AppState::new(config) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("node-simulator: {e}");
            std::process::exit(2);
        }
    };
    let cfg = &state.config;
    tracing::info!(
        %listen, node = %cfg.node_entity_id, sp = %cfg.sp_entity_id, acs = %cfg.acs_url,
        sso = %cfg.sso_url(), loa_pz = ?cfg.loa_pz, loa_edowod = ?cfg.loa_edowod, loa_bank = ?cfg.loa_bank,
        "node simulator starting"
    );
    let listener = match tokio::net::TcpListener::bind(listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("node-simulator: cannot listen on {listen}: {e}");
            std::process::exit(2);
        }
    };
    let app = router(state);
    if let Err(e) = axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
    {
        eprintln!("node-simulator: {e}");
        std::process::exit(1);
    }
}
