//! `fermyon:spin/variables@2.0.0` for guests: a lookup in the component's resolved map.

use crate::bindings::variables::{Error, Host};
use crate::runtime::InstanceState;

impl Host for InstanceState {
    async fn get(&mut self, name: String) -> wasmtime::Result<Result<String, Error>> {
        // The guest's fault, reported to it: a malformed name or one the component did not
        // declare. Neither is a trap.
        if let Err(reason) = redshop_spin::manifest::validate_variable_name(&name) {
            return Ok(Err(Error::InvalidName(format!("\"{name}\": {reason}"))));
        }
        Ok(match self.component.variables.get(&name) {
            Some(value) => Ok(value.clone()),
            None => Err(Error::Undefined(format!(
                "no variable for \"{}\".\"{name}\"",
                self.component.id
            ))),
        })
    }
}
