use sea_orm_migration::prelude::*;

mod m20261122_000001_persons_and_sessions;
mod m20261122_000002_outbox;
mod m20261122_000003_sign_in_throttle;
mod m20261122_000004_accounts_and_roles;
mod m20261122_000005_verification_codes;
mod m20261122_000006_contact_changes;
mod m20261124_000001_send_locks_and_message_expiry;
mod m20261125_000101_session_step_up;
mod m20261126_000801_contact_change_current_code;
mod m20261127_001101_proxy_grantor_pesel;
mod m20261128_000301_password_resets;
mod m20261128_000805_profile_confirmations;
mod m20261128_000901_registrations;
mod m20261128_001001_persons_without_pesel;
mod m20261201_000101_national_node;
mod m20261202_000101_audit_events;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_persons_and_sessions::Migration),
            Box::new(m20261122_000002_outbox::Migration),
            Box::new(m20261122_000003_sign_in_throttle::Migration),
            Box::new(m20261122_000004_accounts_and_roles::Migration),
            Box::new(m20261122_000005_verification_codes::Migration),
            Box::new(m20261122_000006_contact_changes::Migration),
            Box::new(m20261124_000001_send_locks_and_message_expiry::Migration),
            Box::new(m20261125_000101_session_step_up::Migration),
            Box::new(m20261126_000801_contact_change_current_code::Migration),
            Box::new(m20261127_001101_proxy_grantor_pesel::Migration),
            Box::new(m20261128_000301_password_resets::Migration),
            Box::new(m20261128_000805_profile_confirmations::Migration),
            Box::new(m20261128_000901_registrations::Migration),
            Box::new(m20261128_001001_persons_without_pesel::Migration),
            Box::new(m20261201_000101_national_node::Migration),
            Box::new(m20261202_000101_audit_events::Migration),
        ]
    }
}
