use std::process::ExitCode;

use ezus_server::{
    cli::{self, Invocation},
    config::Settings,
    profile_confirmation,
    startup::Application,
    telemetry,
};

#[tokio::main]
async fn main() -> ExitCode {
    match cli::parse(std::env::args_os().skip(1)) {
        Ok(Invocation::Serve) => serve().await,
        Ok(Invocation::ConfirmProfile(args)) => profile_confirmation::command::run(args).await,
        Ok(Invocation::Help) => {
            println!("{}", cli::USAGE);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("eZUS: {e}\n{}", cli::USAGE);
            ExitCode::from(2)
        }
    }
}

async fn serve() -> ExitCode {
    let settings = match Settings::load() {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("eZUS: {e}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(settings.site.dev_mode);
    let application = match Application::build(settings).await {
        Ok(application) => application,
        Err(e) => {
            tracing::error!(error = %e, "start-up failed");
            eprintln!("eZUS: {e}");
            return ExitCode::from(1);
        }
    };
    tracing::info!("eZUS listening on http://{}", application.address());
    match application.run_until_stopped().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "server stopped with an error");
            ExitCode::from(1)
        }
    }
}
