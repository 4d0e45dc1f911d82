//! `bindgen <input.wasm> <out-dir> <out-name> web|module [--reset-state]`:
//! what the build asks of wasm-bindgen (no TypeScript), and nothing else.
//! `--reset-state` adds what a Cloudflare Worker's entry needs to start the
//! module again after a trap (`__wbg_reset_state`, the abort handler).
use std::process::ExitCode;

use wasm_bindgen_cli_support::Bindgen;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, out_dir, out_name, target, rest @ ..] = args.as_slice() else {
        eprintln!("usage: bindgen <input.wasm> <out-dir> <out-name> web|module [--reset-state]");
        return ExitCode::from(2);
    };
    let reset = rest.iter().any(|a| a == "--reset-state");
    let mut b = Bindgen::new();
    let chosen = match target.as_str() {
        "web" => b.web(true).map(|_| ()),
        "module" => b.module(true).map(|_| ()),
        other => {
            eprintln!("unknown target {other}: web or module");
            return ExitCode::from(2);
        }
    };
    let result = chosen.and_then(|()| {
        b.input_path(input)
            .out_name(out_name)
            .typescript(false)
            .reset_state_function(reset)
            .force_enable_abort_handler(reset)
            .generate(out_dir)
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bindgen: {e:#}");
            ExitCode::FAILURE
        }
    }
}
