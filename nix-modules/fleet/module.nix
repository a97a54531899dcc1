# The fleet module: nodes, defaults, resources and meta in; resourceGraph out.
# Evaluated with lib.evalModules from the user's nixpkgs (see lib.nix).
{ config, lib, pkgs, system, fleetNixpkgsPath ? null, ... }:
let
  inherit (lib) mkOption types mapAttrs mapAttrs' nameValuePair;

  nixpkgsPath =
    if fleetNixpkgsPath != null then fleetNixpkgsPath
    else throw "fleet: cannot find nixpkgs' source tree (for nixos/lib/eval-config.nix): give meta.nixpkgs as a path, or a package set with `path`";

  evalNode = name: module:
    import (nixpkgsPath + "/nixos/lib/eval-config.nix") {
      inherit system;
      modules = [
        ./deployment.nix
        config.defaults
        module
        { networking.hostName = lib.mkDefault name; deployment.nodeName = name; }
      ];
      specialArgs = { inherit name; nodes = config.nodeConfigurations; } // config.meta.specialArgs
        // (config.meta.nodeSpecialArgs.${name} or { });
    };

  nodeResource = name: node:
    let
      d = node.config.deployment;
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
        inherit (d) goal buildOnTarget substituteOnDestination reboot allowLocalDeployment;
        rollback = d.rollback;
        healthChecks = map (c: lib.filterAttrs (_: v: v != null) c) d.healthChecks;
      };
    };

  # deployment.resources of every node, lifted into the graph as node.<name>.<key>.
  nodeOwnedResources = lib.concatMapAttrs (name: node:
    lib.mapAttrs' (key: r: nameValuePair "node.${name}.${key}" {
      inherit (r) type inputs;
      node = name;
      dependsOn = map (d: if d == "@system" then "node.${name}" else d) r.dependsOn;
    }) node.config.deployment.resources) config.nodeConfigurations;

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
      nixpkgs = mkOption {
        type = types.raw;
        default = pkgs;
        description = "nixpkgs (a source path or an imported package set) the nodes are built with.";
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
      description = "NixOS modules applied to every node.";
    };

    nodes = mkOption {
      type = types.attrsOf types.deferredModule;
      default = { };
      description = "NixOS modules of each node, by node name.";
    };

    evaluatedNodes = mkOption {
      type = types.attrsOf types.raw;
      default = { };
      description = ''
        Already-evaluated ("cooked") NixOS configurations, by node name: the result of
        nixpkgs' nixosSystem or eval-config.nix, with the fleet deployment module imported.
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

  config = {
    nodeConfigurations = mapAttrs evalNode config.nodes
      // mapAttrs (name: cooked: cooked.extendModules { modules = [{ deployment.nodeName = name; }]; }) config.evaluatedNodes;

    resourceGraph = {
      version = 1;
      fleet = config.meta.name;
      providers = mapAttrs (_: p: { inherit (p) timeout; } // lib.optionalAttrs (p.command != null) { command = map toString p.command; }) config.providers;
      resources =
        mapAttrs' nodeResource config.nodeConfigurations
        // nodeOwnedResources
        // mapAttrs userResource config.resources;
    };
  };
}
