//! `custodes detectors`: the detector registry, as text or as the README's Markdown.

use std::process::ExitCode;

use clap::Args;

/// List every detector with its kinds and documentation.
#[derive(Debug, Args)]
pub struct DetectorsArgs {
    /// Print Markdown (the README's "What it detects" section is generated from this).
    #[arg(long)]
    pub markdown: bool,
}

pub fn run(args: DetectorsArgs) -> anyhow::Result<ExitCode> {
    for d in custodes::detect::registry() {
        if args.markdown {
            println!("### `{}`\n", d.name);
            println!(
                "Kinds: {}.\n",
                d.kinds
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            println!("- **What it detects:** {}", d.what);
            println!("- **Why it matters:** {}", d.why);
            println!("- **Known false positives:** {}", d.false_positives);
            println!("- **Tuning:** {}", d.tuning);
            println!("- **Example:** \"{}\"", d.example);
            if !d.needs.is_empty() {
                println!("- **Needs:** {}", d.needs.join(", "));
            }
            println!();
        } else {
            println!("{}  [{}]", d.name, d.kinds.join(", "));
            println!("  what:    {}", d.what);
            println!("  why:     {}", d.why);
            println!("  false +: {}", d.false_positives);
            println!("  tuning:  {}", d.tuning);
            println!("  example: {}", d.example);
            println!();
        }
    }
    Ok(ExitCode::SUCCESS)
}
