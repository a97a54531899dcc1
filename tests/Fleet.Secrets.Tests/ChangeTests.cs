namespace Fleet.Secrets.Tests;

/// <summary>What a later apply, plan or upload-secrets does with secrets already on the node.</summary>
[Trait("Category", "Integration")]
public sealed class ChangeTests
{
    private static string Body(string one, string two) => $$"""
        deployment.secrets.one.text = "{{one}}";
        deployment.secrets.two.text = "{{two}}";
        """;

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Changing_one_secret_uploads_that_secret_alone()
    {
        await using var fleet = await SecretsFleet.UpAsync();
        var (one, two) = (SecretsFleet.Token("one"), SecretsFleet.Token("two"));
        await fleet.ApplyAsync(Body(one, two));
        var untouched = (await fleet.InodeAsync("/run/keys/two"), (await fleet.OutputsAsync("node.a.secret.two")).GetProperty("uploadedAt").GetString());
        var changed = SecretsFleet.Token("one-changed");

        var apply = await fleet.ApplyAsync(Body(changed, two));

        Assert.Contains("~ node.a.secret.one", apply.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("node.a.secret.two", apply.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Plan: 0 to create, 1 to update", apply.StandardOutput, StringComparison.Ordinal);
        Assert.Equal($"root root 400 {changed}", await fleet.FileAsync("/run/keys/one"));
        Assert.Equal(untouched, (await fleet.InodeAsync("/run/keys/two"), (await fleet.OutputsAsync("node.a.secret.two")).GetProperty("uploadedAt").GetString()));
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task A_secret_deleted_on_the_node_shows_as_drift_and_apply_restores_it()
    {
        await using var fleet = await SecretsFleet.UpAsync();
        var (one, two) = (SecretsFleet.Token("one"), SecretsFleet.Token("two"));
        await fleet.ApplyAsync(Body(one, two));
        await fleet.OnNodeAsync("rm /run/keys/one");

        var plan = await fleet.FleetAsync("plan");
        var apply = await fleet.FleetAsync("apply", "--plain");

        Assert.Contains("+ node.a.secret.one (secret.file) — drift: it no longer exists", plan.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("node.a.secret.two", plan.StandardOutput, StringComparison.Ordinal);
        Assert.True(apply.ExitCode == 0, apply.StandardOutput + apply.StandardError);
        Assert.Equal($"root root 400 {one}", await fleet.FileAsync("/run/keys/one"));
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task A_secret_edited_on_the_node_shows_as_drift()
    {
        await using var fleet = await SecretsFleet.UpAsync();
        await fleet.ApplyAsync(Body(SecretsFleet.Token("one"), SecretsFleet.Token("two")));
        await fleet.OnNodeAsync("echo edited > /run/keys/one; chmod 0644 /run/keys/two");

        var plan = await fleet.FleetAsync("plan");

        Assert.Contains("~ node.a.secret.one (secret.file) — drift: the file on the node was changed outside fleet", plan.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("~ node.a.secret.two (secret.file) — drift: changed outside fleet", plan.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("~ mode: \"0644\" -> \"0400\"", plan.StandardOutput, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task A_secret_removed_from_the_fleet_is_deleted_from_the_node()
    {
        await using var fleet = await SecretsFleet.UpAsync();
        var two = SecretsFleet.Token("two");
        await fleet.ApplyAsync(Body(SecretsFleet.Token("one"), two));

        var apply = await fleet.ApplyAsync($"deployment.secrets.two.text = \"{two}\";");

        Assert.Contains("- node.a.secret.one", apply.StandardOutput, StringComparison.Ordinal);
        Assert.Equal("gone", (await fleet.OnNodeAsync("test -e /run/keys/one && echo there || echo gone")).Trim());
        Assert.Equal($"root root 400 {two}", await fleet.FileAsync("/run/keys/two"));
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Upload_secrets_restores_run_keys_after_it_was_emptied_and_touches_nothing_else()
    {
        await using var fleet = await SecretsFleet.UpAsync();
        var (one, two) = (SecretsFleet.Token("one"), SecretsFleet.Token("two"));
        await fleet.ApplyAsync(Body(one, two));
        var generation = await fleet.OnNodeAsync("readlink /nix/var/nix/profiles/system");
        await fleet.OnNodeAsync("rm -f /run/keys/*");

        var upload = await fleet.FleetAsync("upload-secrets", "--plain", "--on", "a");

        Assert.True(upload.ExitCode == 0, upload.StandardOutput + upload.StandardError);
        Assert.DoesNotContain("node.a (nixos.system)", upload.StandardOutput, StringComparison.Ordinal);
        Assert.Equal($"root root 400 {one}", await fleet.FileAsync("/run/keys/one"));
        Assert.Equal($"root root 400 {two}", await fleet.FileAsync("/run/keys/two"));
        Assert.Equal(generation, await fleet.OnNodeAsync("readlink /nix/var/nix/profiles/system"));
        Assert.Contains("No changes", (await fleet.FleetAsync("plan")).StandardOutput, StringComparison.Ordinal);
    }
}
