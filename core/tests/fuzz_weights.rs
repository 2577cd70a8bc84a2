//! Whatever a web visitor or a user feeds the weights decoder and the config validation, the
//! answer is an error or a usable network, never a panic (a panic kills the page's wasm
//! module). Random files, and valid files whose header values are replaced by hostile ones
//! with the checksum recomputed (so the header parser, not the checksum, meets them).

use qarcade_core::dqn::model::frames_to_input;
use qarcade_core::dqn::params::read_params;
use qarcade_core::dqn::web_weights::{Dtype, WebWeights, WeightsHeader};
use qarcade_core::dqn::{Config, Device, NetConfig, QNetwork, Rng};
use serde_json::{json, Value};
use sha1::{Digest, Sha1};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// A weights file from a header given as JSON (any JSON) and raw data, checksum included.
fn file(header: &Value, data: &[u8]) -> Vec<u8> {
    let header = serde_json::to_vec(header).unwrap();
    let mut out = b"QARCADEW".to_vec();
    out.extend_from_slice(&1u32.to_le_bytes());
    out.extend_from_slice(&(header.len() as u32).to_le_bytes());
    out.extend_from_slice(&header);
    out.extend_from_slice(data);
    let digest = Sha1::digest(&out);
    out.extend_from_slice(&digest);
    out
}

/// Decodes `bytes`; when they decode, builds the network and runs one forward pass on a
/// blank observation, as the page does. Panics only if one of those steps panics.
fn decode_and_play(bytes: &[u8]) -> bool {
    let outcome = catch_unwind(AssertUnwindSafe(|| match WebWeights::decode(bytes) {
        Ok(w) => {
            let device = Device::flex();
            let net = w.network(&device);
            let cfg = &w.header.net;
            let input = frames_to_input(&vec![0u8; cfg.obs_len()], 1, cfg, &device);
            let q = net.forward(input);
            assert_eq!(q.dims(), [1, w.header.action_set.len()]);
            true
        }
        Err(e) => {
            assert!(!e.to_string().contains('\n'), "one line: {e}");
            false
        }
    }));
    match outcome {
        Ok(decoded) => decoded,
        Err(_) => panic!(
            "the decoder or the network panicked on a {}-byte file",
            bytes.len()
        ),
    }
}

fn valid() -> WebWeights {
    let net = NetConfig {
        layer_norm: true,
        ..NetConfig::catch()
    };
    let params = read_params(&QNetwork::new(&net, 3, &Device::flex(), 1));
    WebWeights {
        header: WeightsHeader {
            game: "catch".into(),
            architecture: net.describe(3),
            shapes: params.iter().map(|p| p.shape.clone()).collect(),
            net,
            action_set: vec![0, 3, 4],
            dtype: Dtype::F16,
            trained_steps: 1,
            trained_minutes: None,
            eval_score: None,
        },
        params,
    }
}

/// Values a hostile header may hold where a number, a list or a string belongs.
fn hostile(rng: &mut Rng) -> Value {
    let choices = [
        json!(0),
        json!(1),
        json!(-1),
        json!(3),
        json!(4_294_967_296u64),
        json!(u64::MAX),
        json!(1e300),
        json!(0.5),
        json!("x"),
        json!(null),
        json!([]),
        json!([0]),
        json!([[4294967296u64, 2]]),
        json!({}),
        json!(true),
    ];
    choices[rng.below(choices.len() as u64) as usize].clone()
}

/// Every leaf path of a JSON value (object keys and array indices).
fn leaves(v: &Value, path: Vec<Value>, out: &mut Vec<Vec<Value>>) {
    match v {
        Value::Object(m) => m
            .iter()
            .for_each(|(k, x)| leaves(x, [path.clone(), vec![json!(k)]].concat(), out)),
        Value::Array(a) if !a.is_empty() => a
            .iter()
            .enumerate()
            .for_each(|(i, x)| leaves(x, [path.clone(), vec![json!(i)]].concat(), out)),
        _ => {}
    }
    out.push(path);
}

/// The value at `path`, if an earlier mutation has not replaced one of its parents.
fn at<'a>(v: &'a mut Value, path: &[Value]) -> Option<&'a mut Value> {
    path.iter().try_fold(v, |v, k| match k {
        Value::String(s) => v.get_mut(s.as_str()),
        Value::Number(n) => v.get_mut(n.as_u64()? as usize),
        _ => None,
    })
}

#[test]
fn the_decoder_refuses_random_bytes_without_panicking() {
    let mut rng = Rng::new(11);
    let good = valid().encode();
    assert!(decode_and_play(&good), "the unmutated file must play");
    for round in 0..2_000 {
        let mut bytes = match round % 3 {
            // Noise of any length, sometimes behind the right magic and version.
            0 => (0..rng.below(200)).map(|_| rng.below(256) as u8).collect(),
            1 => {
                let mut b = b"QARCADEW\x01\x00\x00\x00".to_vec();
                b.extend((0..rng.below(300)).map(|_| rng.below(256) as u8));
                b
            }
            // A valid file cut short or with flipped bytes (the checksum catches these).
            _ => {
                let mut b = good.clone();
                let i = rng.below(b.len() as u64) as usize;
                b[i] ^= 1 + rng.below(255) as u8;
                b.truncate(b.len() - rng.below(3) as usize);
                b
            }
        };
        if round % 7 == 0 {
            // Recompute the checksum so the noise reaches the header parser.
            let body = bytes.len().saturating_sub(20);
            bytes.truncate(body);
            let digest = Sha1::digest(&bytes);
            bytes.extend_from_slice(&digest);
        }
        decode_and_play(&bytes);
    }
}

#[test]
fn hostile_header_values_are_refused_without_panicking() {
    let w = valid();
    let header = serde_json::to_value(&w.header).unwrap();
    let good = w.encode();
    let data = &good[16 + serde_json::to_vec(&header).unwrap().len()..good.len() - 20];
    let mut paths = Vec::new();
    leaves(&header, Vec::new(), &mut paths);
    let mut rng = Rng::new(12);
    let mut played = 0;
    for round in 0..3_000 {
        let mut h = header.clone();
        // One to three fields replaced.
        for _ in 0..1 + round % 3 {
            let path = &paths[rng.below(paths.len() as u64) as usize];
            if let Some(slot) = at(&mut h, path).filter(|_| !path.is_empty()) {
                *slot = hostile(&mut rng);
            }
        }
        // Sometimes keep the architecture line consistent with a changed net, so the
        // shape checks (not the architecture check) meet it.
        if round % 2 == 0 {
            if let Ok(net) = serde_json::from_value::<NetConfig>(h["net"].clone()) {
                let n = h["action_set"].as_array().map_or(0, Vec::len);
                h["architecture"] = json!(net.describe(n));
            }
        }
        played += decode_and_play(&file(&h, data)) as usize;
    }
    // Some mutations are harmless (trained_steps, game): those files still play.
    assert!(played > 0);
}

#[test]
fn random_configs_are_refused_or_valid_without_panicking() {
    let base = serde_json::to_value(Config::fast()).unwrap();
    let mut paths = Vec::new();
    leaves(&base, Vec::new(), &mut paths);
    let mut rng = Rng::new(13);
    for round in 0..3_000 {
        let mut c = base.clone();
        for _ in 0..1 + round % 3 {
            let path = &paths[rng.below(paths.len() as u64) as usize];
            if let Some(slot) = at(&mut c, path).filter(|_| !path.is_empty()) {
                *slot = hostile(&mut rng);
            }
        }
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            if let Ok(cfg) = serde_json::from_value::<Config>(c.clone()) {
                if let Err(e) = cfg.validate() {
                    assert!(!e.contains('\n'), "one line: {e}");
                }
            }
        }));
        assert!(outcome.is_ok(), "validate panicked on {c}");
    }
}
