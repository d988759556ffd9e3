//! The forced change of a legacy password (shorter than 12 characters):
//! the service behind `app::ports::PasswordChangePort` and the notice by
//! the recovery channel. The rules of a new password are shared, in
//! `crate::passwords::policy`.

mod notice;
mod service;

pub use notice::password_changed_notice;
pub use service::PasswordChangeService;
pub(crate) use service::{new_hash, personal_data};
