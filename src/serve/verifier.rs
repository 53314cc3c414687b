//! HTTP Basic passwords checked against the partners of the table in force, so a reload
//! that changes a password, or adds or removes Basic or anonymous partners, takes effect
//! at once without restarting the listener.

use crate::config::PartnerAuth;
use crate::gateway::Router;
use std::sync::Arc;
use taxii_http::BasicVerifier;

pub struct PartnerVerifier {
    pub router: Arc<Router>,
    pub listener: String,
}

impl BasicVerifier for PartnerVerifier {
    fn verify(&self, user: &str, password: &str) -> bool {
        let runtime = self.router.runtime();
        runtime
            .table
            .partners
            .iter()
            .filter(|p| p.may_use_listener(&self.listener))
            .any(|p| match &p.auth {
                PartnerAuth::Basic {
                    user: u,
                    password: secret,
                } => u == user && secret.matches(password),
                _ => false,
            })
    }

    fn allows_anonymous(&self) -> bool {
        let runtime = self.router.runtime();
        runtime
            .table
            .partners
            .iter()
            .any(|p| p.may_use_listener(&self.listener) && p.auth == PartnerAuth::Anonymous)
    }
}
