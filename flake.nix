{
  description = "fleet: deploy and keep fleets of NixOS machines";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";

  outputs = { self, nixpkgs }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" ];
      forAll = f: nixpkgs.lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});
      # The one version of fleet, its providers and the agent (Directory.Build.props reads it too).
      version = nixpkgs.lib.removeSuffix "\n" (builtins.readFile ./VERSION);
    in
    {
      # The fleet module system, for use inside other module trees (flake-parts and the like):
      #   fleet.lib.evalFleet { pkgs = ...; modules = [ ./fleet.nix ]; }.resourceGraph
      lib = {
        evalFleet = { pkgs, modules, specialArgs ? { } }:
          import ./nix-modules/fleet/lib.nix { inherit pkgs modules specialArgs; nixpkgsPath = pkgs.path; };
        fleetModule = ./nix-modules/fleet/module.nix;
      };

      # The fleet in a flake-parts module tree: options `fleet` (the fleet module; read back, the
      # evaluated fleet) and `flake.fleet` (the output fleet's CLI reads). See docs/user-guide.md.
      flakeModules.default = ./nix-modules/flake-parts/fleet.nix;

      nixosModules = {
        # deployment.* options, for configurations evaluated outside fleet ("cooked" nodes); a
        # cooked configuration without them is deployed with the default settings.
        deployment = ./nix-modules/fleet/deployment.nix;
        fleet-agent = ./nix-modules/nixos/agent.nix;
        deploy-user = ./nix-modules/nixos/deploy-user.nix;
      };

      packages = forAll (pkgs:
        let
          dotnet = {
            dotnet-sdk = pkgs.dotnetCorePackages.sdk_10_0;
            dotnet-runtime = pkgs.dotnetCorePackages.runtime_10_0;
            nugetDeps = ./nix/deps.json; # script/nix-deps writes it
          };
          fleet-agent = pkgs.buildDotnetModule (dotnet // {
            pname = "fleet-agent";
            inherit version;
            src = ./.;
            projectFile = "src/Fleet.Agent/Fleet.Agent.csproj";
            # NativeAOT: one file that needs no .NET runtime on the node.
            nativeBuildInputs = [ pkgs.clang pkgs.lld ];
            dotnetFlags = [ "-p:PublishAot=true" ];
            selfContainedBuild = true;
            executables = [ "fleet-agent" ];
          });
          fleet = pkgs.buildDotnetModule (dotnet // {
            pname = "fleet";
            inherit version;
            src = ./.;
            projectFile = "src/Fleet.Cli/Fleet.Cli.csproj";
            # Framework-dependent here (the csproj publishes NativeAOT for script/install-style use);
            # the built-in providers are referenced executables and land beside fleet.
            dotnetFlags = [ "-p:PublishAot=false" ];
            executables = [ "fleet" ];
            makeWrapperArgs = [
              "--set-default" "FLEET_AGENT" "${fleet-agent}/bin/fleet-agent"
              # util-linux: setsid, which starts providers and nix in sessions of their own.
              "--prefix" "PATH" ":" (pkgs.lib.makeBinPath [ pkgs.nix pkgs.openssh pkgs.python3 pkgs.util-linux ])
            ];
          });
        in
        {
          inherit fleet fleet-agent;
          default = fleet;
        });
    };
}
