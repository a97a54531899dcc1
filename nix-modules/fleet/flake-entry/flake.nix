# The flake fleet evaluates a user's flake through. Its one input, `entry`, is always replaced on
# the command line (`--override-input entry <the user's flake reference>`), so Nix itself fetches,
# locks (from the user's flake.lock, never writing it) and calls the user's flake, with dirty git
# trees, `path:` inputs and the user's own `--override-input NAME REF` (as `entry/NAME`).
# The output hands the whole flake (inputs and outputs) to ../flake-outputs.nix, applied by
# NixEvaluator; naming this flake's own output avoids Nix's packages.<system> look-up on the user's.
{
  description = "fleet: evaluates the flake given as the input `entry`";

  inputs.entry.url = "path:/fleet-replaces-this-input-on-the-command-line";

  outputs = { entry, ... }: { fleetEntry = entry; };
}
