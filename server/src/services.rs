//! Wiring: builds one service per capability and provides each through
//! Leptos context as the port the pages call. Nothing decides here.

use std::sync::Arc;

use app::ports::{
    AccountsPort, DevInboxPort, LoginReminderPort, PasswordChangePort, PasswordResetPort, RegistrationPort, ProfilePort, SignInPort, StepUpPort, provide_port,
};
use sea_orm::DatabaseConnection;

use crate::{
    accounts::AccountsService,
    http::client_ip::ClientIp,
    login_reminder::LoginReminderService,
    national_node::NationalNodeService,
    notifications::DevInboxService,
    passwords::{check::NewPasswordCheck, hasher::PasswordHasher},
    password_change::PasswordChangeService,
    password_reset::PasswordResetService,
    registration::RegistrationService,
    profile::ProfileService,
    session::SessionGate,
    sign_in::SignInService,
    step_up::{StepUpService, codes::VerificationCodes},
};

/// Every port's implementation, shared by all requests.
#[derive(Clone)]
pub struct Services {
    sign_in: Arc<SignInService>,
    step_up: Arc<StepUpService>,
    password_change: Arc<PasswordChangeService>,
    accounts: Arc<AccountsService>,
    profile: Arc<ProfileService>,
    dev_inbox: Arc<DevInboxService>,
    login_reminder: Arc<LoginReminderService>,
    password_reset: Arc<PasswordResetService>,
    registration: Arc<RegistrationService>,
}

impl Services {
    // Wiring: each argument is one shared handle the services are built from.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        db: &DatabaseConnection,
        hasher: &PasswordHasher,
        new_passwords: &NewPasswordCheck,
        gate: &SessionGate,
        client_ip: &ClientIp,
        codes: &VerificationCodes,
        node: Option<&Arc<NationalNodeService>>,
        dev_mode: bool,
    ) -> Self {
        Services {
            sign_in: Arc::new(SignInService::new(
                db.clone(),
                hasher.clone(),
                gate.clone(),
                client_ip.clone(),
                codes.clone(),
                node.cloned(),
            )),
            step_up: Arc::new(StepUpService::new(db.clone(), gate.clone(), client_ip.clone(), codes.clone())),
            password_change: Arc::new(PasswordChangeService::new(
                db.clone(),
                hasher.clone(),
                new_passwords.clone(),
                gate.clone(),
                client_ip.clone(),
            )),
            accounts: Arc::new(AccountsService::new(db.clone(), gate.clone())),
            profile: Arc::new(ProfileService::new(db.clone(), hasher.clone(), gate.clone(), client_ip.clone(), codes.clone())),
            dev_inbox: Arc::new(DevInboxService::new(db.clone(), dev_mode)),
            login_reminder: Arc::new(LoginReminderService::new(db.clone(), client_ip.clone(), codes.sms_policy().clone())),
            password_reset: Arc::new(PasswordResetService::new(
                db.clone(),
                hasher.clone(),
                new_passwords.clone(),
                codes.clone(),
                client_ip.clone(),
                dev_mode,
            )),
            registration: Arc::new(RegistrationService::new(
                db.clone(),
                hasher.clone(),
                new_passwords.clone(),
                codes.clone(),
                client_ip.clone(),
                dev_mode,
            )),
        }
    }

    /// Puts every port into the context of the request being served.
    pub fn provide(&self) {
        provide_port::<dyn SignInPort>(self.sign_in.clone());
        provide_port::<dyn StepUpPort>(self.step_up.clone());
        provide_port::<dyn PasswordChangePort>(self.password_change.clone());
        provide_port::<dyn AccountsPort>(self.accounts.clone());
        provide_port::<dyn ProfilePort>(self.profile.clone());
        provide_port::<dyn DevInboxPort>(self.dev_inbox.clone());
        provide_port::<dyn LoginReminderPort>(self.login_reminder.clone());
        provide_port::<dyn PasswordResetPort>(self.password_reset.clone());
        provide_port::<dyn RegistrationPort>(self.registration.clone());
    }
}
