using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Fleet.Cli;
using Fleet.Engine.Planning;
using Fleet.Protocol;

namespace Fleet.Engine.Tests;

/// <summary>Snapshots of the lines `fleet plan` prints under a change of a node's system.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SystemChangeTextTests
{
    private const string Old = "/nix/store/1a2b3c4dddddddddddddddddddddddddd-nixos-system-web-25.05";
    private const string New = "/nix/store/5d6e7f8dddddddddddddddddddddddddd-nixos-system-web-25.05";

    [Fact]
    public void A_changed_package_shows_its_versions_and_size_then_the_closure_and_the_reboot_check()
    {
        var change = new SystemChange(
            Old, New,
            new ClosureDiff([new PackageChange("hello", ["2.12"], ["2.12.1"], 12 * 1024)], 1, 1, 1_000_000, 1_000_000 + (12 * 1024), "deployer"),
            new RebootCheck([]));

        Assert.Equal(
            """
                  system: 1a2b3c4 -> 5d6e7f8
                  hello: 2.12 -> 2.12.1, +12 KiB
                  closure: +1 path, -1 path, +12 KiB
                  no reboot needed

            """.Replace("\r", "", StringComparison.Ordinal),
            Render(change));
    }

    [Fact]
    public void Added_removed_and_resized_packages_units_and_a_needed_reboot_are_each_one_line()
    {
        var change = new SystemChange(
            Old, New,
            new ClosureDiff(
                [
                    new PackageChange("curl", [], ["8.4.0"], 1_258_291),
                    new PackageChange("etc", [""], [""], 9 * 1024),
                    new PackageChange("wget", ["1.21"], [], -3 * 1024 * 1024),
                ],
                5, 2, 10_000_000, 8_000_000, "node"),
            new RebootCheck(["kernel", "kernel-modules"]),
            new UnitChanges(["old.service"], ["web.service", "api.service"], [], ["extra.service"]));

        Assert.Equal(
            """
                  system: 1a2b3c4 -> 5d6e7f8
                  curl: added 8.4.0, +1.2 MiB
                  etc: +9 KiB
                  wget: removed 1.21, -3 MiB
                  closure: +5 paths, -2 paths, -1.9 MiB
                  reboot needed: kernel and kernel modules changed
                  stop: old.service
                  restart: web.service, api.service
                  start: extra.service

            """.Replace("\r", "", StringComparison.Ordinal),
            Render(change));
    }

    [Fact]
    public void A_part_that_is_not_known_says_why()
    {
        var change = new SystemChange(null, New) { Notes = ["the new system is not built yet"] };

        Assert.Equal("      system: (unknown) -> 5d6e7f8\n      (the new system is not built yet)\n", Render(change));
    }

    [Fact]
    public void The_plan_text_shows_a_system_change_under_its_resource()
    {
        using var inputs = JsonDocument.Parse("""{"drvPath":"/nix/store/x.drv"}""");
        var change = new PlannedChange("node.web", "nixos.system", "web", PlanAction.Update, ["drvPath"], [], inputs.RootElement, inputs.RootElement, null)
        {
            System = new SystemChange(Old, New, Reboot: new RebootCheck(["kernel"])),
        };
        var plan = new Plan("demo", 1, "digest", [change], ImmutableSortedDictionary<string, ImmutableArray<string>>.Empty);

        var text = PlanPrinter.Render(plan);

        Assert.Contains("~ node.web (nixos.system)\n      system: 1a2b3c4 -> 5d6e7f8\n      reboot needed: kernel changed\n", text, StringComparison.Ordinal);
    }

    private static string Render(SystemChange change)
    {
        var text = new StringBuilder();
        SystemChangeText.Append(text, change);
        return text.ToString();
    }
}
