//! One module per page: the component and the server functions it calls.

pub mod accessibility;
pub mod change_password;
pub mod choose_account;
pub mod choose_role;
pub mod confirm_contact;
pub mod dev_inbox;
pub mod forgot_login;
pub mod forgot_password;
pub mod login_gov_pl;
pub mod not_found;
pub mod portal;
pub mod profile;
pub mod register;
pub mod sign_in;
pub mod signed_out;
pub mod verify_code;
