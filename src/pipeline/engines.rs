//! One OCR engine per worker thread, created the first time that thread meets a scanned page
//! (a run over text files never loads a model).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::config::OcrConfig;
use crate::error::{Error, Result};
use crate::ocr::{self, OcrEngine, RecogniserStats};

enum Slot {
    Empty,
    Ready(Box<dyn OcrEngine>),
    /// Creation failed; remembered so every page does not pay for a failing model load.
    Failed(String),
}

pub struct EnginePool {
    cfg: OcrConfig,
    slots: Vec<Mutex<Slot>>,
    created: AtomicUsize,
    /// The recognisers' work summed over every use of every engine (an engine dropped after
    /// use still counts).
    stats: Mutex<RecogniserStats>,
}

impl EnginePool {
    pub fn new(cfg: &OcrConfig, threads: usize) -> Self {
        EnginePool {
            cfg: cfg.clone(),
            slots: (0..threads.max(1))
                .map(|_| Mutex::new(Slot::Empty))
                .collect(),
            created: AtomicUsize::new(0),
            stats: Mutex::new(RecogniserStats::default()),
        }
    }

    /// The recognisers' work so far (for `jixiao bench`).
    pub fn stats(&self) -> RecogniserStats {
        *self.stats.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Engines created so far (0 for a text-only run).
    pub fn created(&self) -> usize {
        self.created.load(Ordering::Relaxed)
    }

    fn slot(&self) -> &Mutex<Slot> {
        let i = rayon::current_thread_index().unwrap_or(0) % self.slots.len();
        &self.slots[i]
    }

    /// Runs `f` with this thread's engine. The engine is taken out of its slot while in use
    /// (no lock is held during OCR): a stage that itself uses rayon may make this thread pick
    /// up another page meanwhile, which then simply gets an engine of its own. If `f` panics
    /// the engine is dropped rather than reused in an unknown state.
    pub fn with_engine<R>(&self, f: impl FnOnce(&mut dyn OcrEngine) -> R) -> Result<R> {
        let slot = self.slot();
        let taken = {
            let mut s = slot.lock().unwrap_or_else(|p| p.into_inner());
            match std::mem::replace(&mut *s, Slot::Empty) {
                Slot::Ready(e) => Some(e),
                Slot::Failed(msg) => {
                    *s = Slot::Failed(msg.clone());
                    return Err(Error::Engine {
                        engine: self.cfg.engine.as_str().to_string(),
                        reason: msg,
                    });
                }
                Slot::Empty => None,
            }
        };
        let mut engine = match taken {
            Some(e) => e,
            None => match ocr::new_engine(&self.cfg) {
                Ok(e) => {
                    self.created.fetch_add(1, Ordering::Relaxed);
                    e
                }
                Err(e) => {
                    let mut s = slot.lock().unwrap_or_else(|p| p.into_inner());
                    *s = Slot::Failed(e.to_string());
                    return Err(e);
                }
            },
        };
        let before = engine.stats();
        let r = f(&mut *engine);
        let done = engine.stats().since(&before);
        self.stats
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .add(&done);
        let mut s = slot.lock().unwrap_or_else(|p| p.into_inner());
        if matches!(*s, Slot::Empty) {
            *s = Slot::Ready(engine);
        }
        Ok(r)
    }
}
