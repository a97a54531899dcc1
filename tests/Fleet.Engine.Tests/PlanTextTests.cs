using System.Collections.Immutable;
using System.Text.Json;
using Fleet.Cli;
using Fleet.Engine.Planning;
using Fleet.Protocol;

namespace Fleet.Engine.Tests;

/// <summary>Snapshots of the plan's text: what an operator reads before an apply.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PlanTextTests
{
    private const string NodeInputs = """
        {"allowLocalDeployment":false,"buildOnTarget":false,"drvPath":"/nix/store/i2nqdqrvacdf4iwf85wif28zw714i367-nixos-system-web-25.05.drv",
         "goal":"switch","healthChecks":[{"type":"http","url":"http://127.0.0.1:8080/"}],"hostKey":null,
         "privilegeEscalationCommand":["sudo","-H","--"],"reboot":false,"replaceUnknownProfiles":true,
         "rollback":{"confirmTimeout":30,"magic":true,"onHealthFailure":true},"sshOptions":[],"substituteOnDestination":false,
         "systemName":"nixos-system-web-25.05","tags":["frontend","demo"],"targetHost":"web","targetPort":null,"targetUser":"root"}
        """;

    private const string HookInputs = """
        {"always":false,"environment":{},"hostKey":null,"node":"web","on":"node","phase":"postActivate",
         "privilegeEscalationCommand":["sudo","-H","--"],"script":"echo \"now ${X}\"\ncurl http://127.0.0.1/","sshOptions":[],
         "system":"/nix/store/za0dqnai8kck1hdlh7bjx3bfb13lxp6y-nixos-system-web-25.05","targetHost":"web","targetPort":null,"targetUser":"root",
         "timeout":300,"watch":{"node.web":{"$ref":"node.web"}}}
        """;

    private static Plan PlanOf(params PlannedChange[] changes) =>
        new("demo", 1, "digest", [.. changes], ImmutableSortedDictionary<string, ImmutableArray<string>>.Empty);

    private static PlannedChange Change(string id, string type, PlanAction action, string? prior, string? desired, string? reason = null, string[]? changed = null, string[]? unknown = null) =>
        new(id, type, null, action, [.. changed ?? []], [.. unknown ?? []], Json(prior), Json(desired), reason);

    private static JsonElement? Json(string? text) => text is null ? null : JsonDocument.Parse(text).RootElement.Clone();

    [Fact]
    public void A_create_shows_what_was_set_as_Nix_writes_it_and_hides_nulls_defaults_plumbing_and_outputs()
    {
        var plan = PlanOf(
            Change("node.web", "nixos.system", PlanAction.Create, null, NodeInputs, "deploy /nix/store/za0d-nixos-system-web-25.05", ["drvPath"], ["generation", "previousSystem", "activatedAt"]),
            Change("node.web.hook.postActivate", "hook.command", PlanAction.Create, null, HookInputs, "new resource", unknown: ["exitCode", "ranAt", "output"]),
            Change("digest", "local.file", PlanAction.Create, null, """{"path":"/srv/digest","content":{"$ref":"notes","output":"sha256"}}"""));

        Assert.Equal(
            """
              + node.web (nixos.system) — deploy /nix/store/za0d-nixos-system-web-25.05
                  + healthChecks = [ { type = "http"; url = "http://127.0.0.1:8080/"; } ]
                  + tags = [ "frontend" "demo" ]
                  + targetHost = "web"
              + node.web.hook.postActivate (hook.command) — new resource
                  + script = "echo \"now \${X}\"\ncurl http://127.0.0.1/"
              + digest (local.file)
                  + path = "/srv/digest"
                  + content = (known after apply: notes.sha256)
            Plan: 3 to create, 0 to update, 0 to replace, 0 to delete, 0 unchanged.

            """.ReplaceLineEndings("\n"),
            PlanPrinter.Render(plan));
    }

    [Fact]
    public void An_update_shows_only_its_changed_fields_and_known_after_apply_only_for_a_value_that_depends_on_another_change()
    {
        var prior = """{"path":"/srv/a","content":"old","mode":"0644","owner":null}""";
        var desired = """{"path":"/srv/a","content":{"$ref":"node.web","output":"systemPath"},"mode":"0600","owner":null}""";
        var plan = PlanOf(Change("file.a", "local.file", PlanAction.Update, prior, desired, changed: ["content", "mode"], unknown: ["digest"]));

        Assert.Equal(
            """
              ~ file.a (local.file)
                  ~ content: (known after apply)
                  ~ mode: "0644" -> "0600"
            Plan: 0 to create, 1 to update, 0 to replace, 0 to delete, 0 unchanged.

            """.ReplaceLineEndings("\n"),
            PlanPrinter.Render(plan));
    }

    [Fact]
    public void A_changed_list_of_attribute_sets_shows_only_the_leaves_that_change()
    {
        var prior = NodeInputs;
        var desired = NodeInputs.Replace("\"url\":\"http://127.0.0.1:8080/\"", "\"url\":\"http://127.0.0.1:9090/\"", StringComparison.Ordinal);
        var plan = PlanOf(Change("node.web", "nixos.system", PlanAction.Update, prior, desired, changed: ["healthChecks"]));

        Assert.Equal(
            """
              ~ node.web (nixos.system)
                  ~ healthChecks[0].url: "http://127.0.0.1:8080/" -> "http://127.0.0.1:9090/"
            Plan: 0 to create, 1 to update, 0 to replace, 0 to delete, 0 unchanged.

            """.ReplaceLineEndings("\n"),
            PlanPrinter.Render(plan));
    }

    [Fact]
    public void An_update_whose_changed_fields_are_all_plumbing_says_which_change_it_follows()
    {
        var prior = HookInputs.Replace("\"watch\":{\"node.web\":{\"$ref\":\"node.web\"}}", "\"watch\":{\"node.web\":{\"systemPath\":\"/nix/store/old\"}}", StringComparison.Ordinal);
        var plan = PlanOf(Change("node.web.hook.postActivate", "hook.command", PlanAction.Update, prior, HookInputs, changed: ["watch"], unknown: ["exitCode", "ranAt", "output"]));

        Assert.Equal(
            """
              ~ node.web.hook.postActivate (hook.command) — node.web changes
            Plan: 0 to create, 1 to update, 0 to replace, 0 to delete, 0 unchanged.

            """.ReplaceLineEndings("\n"),
            PlanPrinter.Render(plan));
    }

    [Fact]
    public void A_replace_shows_the_changed_fields_with_their_reason()
    {
        var prior = """{"name":"greeting","destination":"/run/keys/old","owner":"root","text":{"$sensitive":"sha256:1"}}""";
        var desired = """{"name":"greeting","destination":"/run/keys/greeting","owner":"root","text":{"$sensitive":"sha256:1"}}""";
        var plan = PlanOf(Change("node.web.secret.greeting", "secret.file", PlanAction.Replace, prior, desired, "destination cannot change in place", ["destination"], ["salt", "digest"]));

        Assert.Equal(
            """
            -/+ node.web.secret.greeting (secret.file) must be replaced — destination cannot change in place
                  ~ destination: "/run/keys/old" -> "/run/keys/greeting"
            Plan: 0 to create, 0 to update, 1 to replace, 0 to delete, 0 unchanged.

            """.ReplaceLineEndings("\n"),
            PlanPrinter.Render(plan));
    }

    [Fact]
    public void A_changed_sensitive_value_says_it_changed_and_shows_neither_side()
    {
        var prior = """{"name":"greeting","text":{"$sensitive":"hmac-sha256:aaaa"}}""";
        var desired = """{"name":"greeting","text":{"$sensitive":"hmac-sha256:bbbb"}}""";
        var plan = PlanOf(Change("node.web.secret.greeting", "secret.file", PlanAction.Update, prior, desired, "new content (text)", ["text"]));

        Assert.Equal(
            """
              ~ node.web.secret.greeting (secret.file) — new content (text)
                  ~ text: (sensitive value changed)
            Plan: 0 to create, 1 to update, 0 to replace, 0 to delete, 0 unchanged.

            """.ReplaceLineEndings("\n"),
            PlanPrinter.Render(plan));
    }

    [Fact]
    public void A_delete_is_one_line_with_its_reason()
    {
        var plan = PlanOf(Change("node.old", "nixos.system", PlanAction.Delete, NodeInputs, null, "no longer in the fleet"));

        Assert.Equal(
            """
              - node.old (nixos.system) — no longer in the fleet
            Plan: 0 to create, 0 to update, 0 to replace, 1 to delete, 0 unchanged.

            """.ReplaceLineEndings("\n"),
            PlanPrinter.Render(plan));
    }

    [Fact]
    public void Verbose_shows_every_field_and_every_output_known_after_apply()
    {
        var plan = PlanOf(Change("node.web.hook.postActivate", "hook.command", PlanAction.Create, null, HookInputs, "new resource", unknown: ["exitCode"]));

        var text = PlanPrinter.Render(plan, verbose: true);

        Assert.Contains("      + hostKey = null\n", text, StringComparison.Ordinal);
        Assert.Contains("      + watch = { \"node.web\" = (known after apply: node.web); }\n", text, StringComparison.Ordinal);
        Assert.Contains("      + timeout = 300\n", text, StringComparison.Ordinal);
        Assert.Contains("        exitCode = (known after apply)\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_value_is_cut_and_a_multi_line_one_says_how_many_lines_it_has()
    {
        var script = string.Join("\\n", Enumerable.Range(1, 30).Select(i => $"echo line {i}"));
        var plan = PlanOf(Change("hook.long", "hook.command", PlanAction.Create, null, $$"""{"script":"{{script}}"}"""));

        var line = PlanPrinter.Render(plan).Split('\n')[1];

        Assert.StartsWith("      + script = \"echo line 1\\necho line 2", line, StringComparison.Ordinal);
        Assert.EndsWith("… (30 lines)", line, StringComparison.Ordinal);
        Assert.True(line.Length < 130, line);
    }

    [Fact]
    public void A_plan_with_a_resource_that_cannot_be_planned_names_it_once_and_never_says_no_changes()
    {
        var plan = PlanOf(Change("node.api", "nixos.system", PlanAction.Noop, NodeInputs, NodeInputs)) with
        {
            Failures = ImmutableSortedDictionary<string, string>.Empty.Add("node.web", "provider `nixos` failed reading `node.web`: cannot reach web over SSH (exit 255): No route to host"),
        };

        Assert.Equal(
            """
              ! node.web cannot be planned: provider `nixos` failed reading `node.web`: cannot reach web over SSH (exit 255): No route to host
            Plan: 0 to create, 0 to update, 0 to replace, 0 to delete, 1 unchanged, 1 cannot be planned. The plan is incomplete.

            """.ReplaceLineEndings("\n"),
            PlanPrinter.Render(plan));
    }
}
