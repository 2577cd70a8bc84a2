//! [`Tap`]: a copy of every observation a layer gives, for a second reader outside the chain.

use std::sync::{Arc, Mutex};

use super::{Env, Step};

/// Passes everything through, and after each reset and step copies the inner layer's
/// observation into a shared buffer. Placed above [`super::MaxAndSkip`], it lets a second
/// pipeline start from the same pooled 210×160 screens the chain itself resizes: the
/// two-player arena gives a masked victim its own view that way, the opponent the real one.
pub struct Tap<E> {
    pub inner: E,
    sink: Arc<Mutex<Vec<u8>>>,
}

impl<E: Env> Tap<E> {
    pub fn new(inner: E, sink: Arc<Mutex<Vec<u8>>>) -> Self {
        Tap { inner, sink }
    }

    fn copy(&mut self) {
        let obs = self.inner.observe();
        let mut sink = self.sink.lock().unwrap_or_else(|e| e.into_inner());
        sink.clear();
        sink.extend_from_slice(obs);
    }
}

impl<E: Env> Env for Tap<E> {
    fn reset(&mut self) {
        self.inner.reset();
        self.copy();
    }

    fn step(&mut self, action: u8) -> Step {
        let s = self.inner.step(action);
        self.copy();
        s
    }

    pass_through!(observe, obs_shape, lives, action_set, game_over, screen);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::{MaxAndSkip, ScriptedGame};

    #[test]
    fn the_copy_is_what_the_layer_below_shows() {
        let sink = Arc::new(Mutex::new(Vec::new()));
        let mut tapped = Tap::new(MaxAndSkip::new(ScriptedGame::new(), 4), sink.clone());
        let mut plain = MaxAndSkip::new(ScriptedGame::new(), 4);
        tapped.reset();
        plain.reset();
        assert_eq!(*sink.lock().unwrap(), plain.observe());
        for a in [0, 1, 0, 1, 1] {
            assert_eq!(tapped.step(a), plain.step(a));
            assert_eq!(*sink.lock().unwrap(), plain.observe());
            assert_eq!(tapped.observe(), plain.observe());
        }
    }
}
