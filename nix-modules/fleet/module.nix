# The fleet module: nodes, defaults, resources and meta in; resourceGraph out.
# Evaluated with lib.evalModules from the user's nixpkgs (see lib.nix).
{ config, options, lib, pkgs, system, fleetNixpkgsPath ? null, ... }:
let
  inherit (lib) mkOption types mapAttrs mapAttrs' nameValuePair;
  hive = import ./hive.nix;

  nixpkgsPath =
    if fleetNixpkgsPath != null then fleetNixpkgsPath
    else throw "fleet: cannot find nixpkgs' source tree (for nixos/lib/eval-config.nix): give meta.nixpkgs as a path, or a package set with `path`";

  # A node: a NixOS module, or (as Colmena allows) a list of them.
  nodeType = types.coercedTo (types.listOf types.raw) (modules: { imports = modules; }) types.deferredModule;

  # Colmena's hive layout: every top-level attribute that is not an option of this module is a
  # node (the module's freeform part), beside the nodes given in `nodes`.
  reservedNames = [ "meta" "network" "defaults" ];
  hiveNodes = removeAttrs config (builtins.attrNames options);
  allNodes = lib.zipAttrsWith (name: modules:
    if builtins.elem name reservedNames
    then throw "fleet: \"${name}\" is a reserved name and cannot be a node (`network` is the NixOps name of `meta`, given at the top level of a hive only)"
    else { imports = modules; }) [ config.nodes hiveNodes ];

  # The nixpkgs a node is built with: meta.nodeNixpkgs.<node>, else meta.nixpkgs.
  nodeNixpkgs = name:
    if config.meta.nodeNixpkgs ? ${name} then
      let
        conf = config.meta.nodeNixpkgs.${name};
        npkgs = hive.packageSet { what = "meta.nodeNixpkgs.${name}"; inherit system; } conf;
      in
      {
        pkgs = npkgs;
        path = let p = hive.sourceTree conf npkgs; in
          if p != null then p
          else throw "fleet: meta.nodeNixpkgs.${name}: cannot find its source tree (for nixos/lib/eval-config.nix): give a path, or a package set with `path`";
      }
    else { inherit pkgs; path = nixpkgsPath; };

  evalNode = name: module:
    let npkgs = nodeNixpkgs name; in
    import (npkgs.path + "/nixos/lib/eval-config.nix") {
      # As Colmena does: the node's platform is its package set's, and the set's overlays and
      # config carry over into the node's own `nixpkgs.*` (its definitions merge after them).
      system = npkgs.pkgs.stdenv.hostPlatform.system or npkgs.pkgs.system or system;
      modules = [
        ./deployment.nix
        {
          nixpkgs.overlays = lib.mkBefore (npkgs.pkgs.overlays or [ ]);
          nixpkgs.config = lib.mkBefore (npkgs.pkgs.config or { });
        }
        config.defaults
        module
        # NixOS' hostName is one DNS label: a node named "gamma.tld" is host "gamma" by default.
        { networking.hostName = lib.mkDefault (builtins.head (builtins.match "([^.]*).*" name)); deployment.nodeName = name; }
      ];
      specialArgs = { inherit name; nodes = config.nodeConfigurations; } // config.meta.specialArgs
        // (config.meta.nodeSpecialArgs.${name} or { });
    };

  cooked = name: c:
    if builtins.isAttrs c && c ? config.system.build.toplevel then c
    else throw "fleet: evaluatedNodes.${name} is not an evaluated NixOS configuration (a nixosSystem or eval-config.nix result, with config.system.build.toplevel); give NixOS modules in nodes.${name} instead";

  # The deployment modules' defaults, for a cooked configuration that did not import them. The
  # freeform type takes what those modules define for NixOS (assertions, ...), which is unused here.
  defaultDeployment = (lib.evalModules {
    modules = [ ./deployment.nix { _module.freeformType = types.lazyAttrsOf types.raw; } ];
  }).config.deployment;

  # How fleet deploys a node: its `deployment` settings, with what needs the node's name in the
  # fleet computed here from the attribute name. A cooked configuration is used as it is, never
  # evaluated again (so its toplevel is the one nixos-rebuild builds from it): its own
  # `deployment` options if it imported the deployment module, else the defaults.
  deploymentOf = name: node:
    let
      d = if node ? options.deployment then node.config.deployment else defaultDeployment;
      connection = d.connectionFor name;
    in
    d // {
      inherit connection;
      resources = d.resources // d.nodeResources { inherit name connection; };
    };

  nodeDeployments = lib.mapAttrs deploymentOf config.nodeConfigurations;

  nodeResource = name: node:
    let
      d = nodeDeployments.${name};
      toplevel = node.config.system.build.toplevel;
    in
    nameValuePair "node.${name}" {
      type = "nixos.system";
      node = name;
      dependsOn = lib.mapAttrsToList (key: _: "node.${name}.${key}")
        (lib.filterAttrs (_: r: r.beforeSystem) d.resources);
      inputs = d.connection // {
        drvPath = toplevel.drvPath;
        systemName = toplevel.name;
        tags = d.tags;
        inherit (d) goal buildOnTarget substituteOnDestination reboot replaceUnknownProfiles allowLocalDeployment;
        rollback = d.rollback;
        healthChecks = map (c: lib.filterAttrs (_: v: v != null) c) d.healthChecks;
      } // lib.optionalAttrs (config.meta.machinesFile != null) {
        inherit (config.meta) machinesFile;
      };
    };

  # deployment.resources of every node, lifted into the graph as node.<name>.<key>.
  nodeOwnedResources = lib.concatMapAttrs (name: d:
    lib.mapAttrs' (key: r: nameValuePair "node.${name}.${key}" {
      inherit (r) type inputs;
      node = name;
      dependsOn = map (d: if d == "@system" then "node.${name}" else d) r.dependsOn;
    }) d.resources) nodeDeployments;

  userResource = id: r: {
    inherit (r) type inputs dependsOn;
    node = r.node;
  };
in
{
  options = {
    meta = {
      name = mkOption {
        type = types.str;
        default = "fleet";
        description = "Name of the fleet, used in state and status output.";
      };
      description = mkOption {
        type = types.str;
        default = "";
        description = "A short description of the fleet (Colmena's meta.description), carried in the resource graph.";
      };
      nixpkgs = mkOption {
        type = types.raw;
        default = pkgs;
        description = "nixpkgs the nodes are built with: a source path, the nixpkgs function (`import <nixpkgs>`) or an imported package set.";
      };
      nodeNixpkgs = mkOption {
        type = types.attrsOf types.raw;
        default = { };
        description = "nixpkgs for one node, by node name, in any form `meta.nixpkgs` takes; the node's platform is that package set's.";
      };
      machinesFile = mkOption {
        type = types.nullOr (types.either types.str types.path);
        default = null;
        apply = v: if v == null then null else toString v;
        example = "/etc/nix/machines.fleet";
        description = ''
          A Nix machines file (the format of /etc/nix/machines) whose machines build the fleet's
          systems: fleet's local builds run with `--option builders @FILE`. Ignored for nodes
          that build on themselves (`deployment.buildOnTarget`). A Nix path is used by its name
          only, never copied into the store.
        '';
      };
      allowApplyAll = mkOption {
        type = types.bool;
        default = true;
        description = "Whether `fleet apply` (and the commands that apply part of the fleet) may run without `--on` or `--target`; false guards against deploying to every node by accident.";
      };
      specialArgs = mkOption {
        type = types.attrsOf types.raw;
        default = { };
        description = "Extra arguments passed to every node's NixOS modules.";
      };
      nodeSpecialArgs = mkOption {
        type = types.attrsOf (types.attrsOf types.raw);
        default = { };
        description = "Extra arguments for one node's NixOS modules, by node name.";
      };
    };

    defaults = mkOption {
      type = types.deferredModule;
      default = { };
      description = "NixOS modules applied to every node of `nodes` (not to `evaluatedNodes`, which are used as they are).";
    };

    nodes = mkOption {
      type = types.attrsOf nodeType;
      default = { };
      description = "NixOS modules of each node (a module or a list of them), by node name; a Colmena hive's top-level nodes are added to these.";
    };

    evaluatedNodes = mkOption {
      type = types.attrsOf types.raw;
      default = { };
      description = ''
        Already-evaluated ("cooked") NixOS configurations, by node name: the result of
        nixpkgs' nixosSystem or eval-config.nix, e.g. a flake's `nixosConfigurations`. Each is
        deployed as it is, not evaluated again: its toplevel is the one nixos-rebuild builds.
        Deployment settings are the defaults (targetHost = the node's name, ...), or, if the
        configuration imports fleet's deployment module (`fleet.nixosModules.deployment`), its
        `deployment.*` values. `defaults` and `meta.specialArgs` do not apply to them.
      '';
    };

    resources = mkOption {
      description = "Resources for any provider, by resource id.";
      default = { };
      type = types.attrsOf (types.submodule {
        options = import ./resource-options.nix { inherit lib; } // {
          node = mkOption {
            type = types.nullOr types.str;
            default = null;
            description = "Node this resource belongs to (used by --on selection).";
          };
        };
      });
    };

    providers = mkOption {
      description = ''
        Out-of-process providers by name; a resource of type `<name>.<kind>` is handled by the
        provider `<name>`. Built-in providers (nixos, secret, hook, ...) need no entry here, and
        an entry without `command` only sets a built-in provider's `timeout`.
      '';
      default = { };
      type = types.attrsOf (types.submodule {
        options.command = mkOption {
          type = types.nullOr (types.listOf (types.either types.str types.path));
          default = null;
          description = "argv starting the provider, e.g. [ \"python3\" ./providers/file.py ]; null (the default) for a built-in provider, found beside fleet or on PATH as fleet-provider-<name>.";
        };
        options.timeout = mkOption {
          type = types.ints.positive;
          default = 600;
          description = "Seconds one call to the provider may go without the provider saying anything about it (a `log` or `progress` naming its resource) before fleet cancels that call alone; `initialize`, which includes the provider's start, gets at least 120.";
        };
      });
    };

    nodeConfigurations = mkOption {
      type = types.attrsOf types.raw;
      readOnly = true;
      description = "The evaluated NixOS configuration of every node.";
    };

    resourceGraph = mkOption {
      type = types.raw;
      readOnly = true;
      description = "The fleet's resource graph (schemas/resource-graph.schema.json).";
    };
  };

  freeformType = types.attrsOf nodeType;

  config = {
    nodeConfigurations = mapAttrs evalNode allNodes
      // mapAttrs cooked config.evaluatedNodes;

    resourceGraph = {
      version = 1;
      fleet = config.meta.name;
      inherit (config.meta) description allowApplyAll;
      providers = mapAttrs (_: p: { inherit (p) timeout; } // lib.optionalAttrs (p.command != null) { command = map toString p.command; }) config.providers;
      resources =
        mapAttrs' nodeResource config.nodeConfigurations
        // nodeOwnedResources
        // mapAttrs userResource config.resources;
    };
  };
}
