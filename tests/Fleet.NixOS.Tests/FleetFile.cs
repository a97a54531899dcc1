using System.Collections.Immutable;
using System.Text;

namespace Fleet.NixOS.Tests;

/// <summary>
/// A fleet.nix for the tests: every node runs a web service (python http.server on
/// `test.port`, 8080 by default) serving "NAME VERSION", brings eth0 up in an activation script
/// (as NixOS' network setup would), and is health-checked over HTTP on 8080. Each node can add
/// its own module body (Nix attrset contents with `pkgs`, `lib` and `name` in scope).
/// </summary>
public sealed record FleetFile(ImmutableSortedDictionary<string, string> Nodes)
{
    public static FleetFile For(params IEnumerable<string> nodes) =>
        new(nodes.ToImmutableSortedDictionary(n => n, _ => "", StringComparer.Ordinal));

    public FleetFile With(string node, string body) => this with { Nodes = Nodes.SetItem(node, body) };

    /// <summary>The node's page says `version` (a new system for that node only).</summary>
    public FleetFile Version(string node, string version) => With(node, $"test.version = \"{version}\";");

    /// <summary>
    /// A node body whose only health check passes once `file` exists in the node's /tmp (see
    /// <see cref="TestbedFleet.Release"/>): the activation stays in its health checks, holding the
    /// node's activation lock, until the test releases it. Nothing but the test ends the wait
    /// before the agent's overall health-check timeout.
    /// </summary>
    public static string HealthCheckHeldUntil(string file) => $$"""
        deployment.healthChecks = lib.mkForce [ {
          type = "command";
          # The host's programs (nodes share its /bin): the checks are no part of the system's closure.
          argv = [ "/bin/sh" "-c" "while [ ! -e /tmp/{{file}} ]; do /bin/sleep 0.1; done" ];
          timeout = 600; retries = 0;
        } ];
        """;

    public string Render()
    {
        var text = new StringBuilder();
        text.Append("""
            {
              meta.name = "nixos-tests";
              defaults = { name, pkgs, lib, config, ... }: {
                options.test = {
                  version = lib.mkOption { type = lib.types.str; default = "v1"; };
                  port = lib.mkOption { type = lib.types.int; default = 8080; };
                };
                config = {
                  system.stateVersion = "24.05";
                  system.activationScripts.netup = "${pkgs.iproute2}/bin/ip link set eth0 up";
                  environment.etc."web/index.html".text = "${name} ${config.test.version}\n";
                  systemd.services.web = {
                    wantedBy = [ "multi-user.target" ];
                    script = "exec ${pkgs.python3}/bin/python3 -m http.server ${toString config.test.port} --directory /etc/web";
                  };
                  # The deployer confirms as soon as it can; a short timeout would fail a slow machine.
                  deployment.rollback.confirmTimeout = 120;
                  deployment.healthChecks = [
                    { type = "http"; url = "http://127.0.0.1:8080/index.html"; retries = 6; interval = 0.5; }
                  ];
                };
              };

            """);
        foreach (var (node, body) in Nodes)
        {
            text.Append(CultureInfoInvariant($"  nodes.{node} = {{ name, pkgs, lib, config, ... }}: {{ {body} }};\n"));
        }

        text.Append("}\n");
        return text.ToString();
    }

    private static string CultureInfoInvariant(FormattableString s) => FormattableString.Invariant(s);
}
