namespace Fleet.Secrets.Tests;

/// <summary>Secrets arrive on the node with the content, owner, group and mode declared.</summary>
[Trait("Category", "Integration")]
public sealed class UploadTests
{
    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Text_file_and_command_secrets_arrive_with_their_content_owner_group_and_mode()
    {
        await using var fleet = await SecretsFleet.UpAsync();
        var (text, fromFile, fromCommand) = (SecretsFleet.Token("text"), SecretsFleet.Token("file"), SecretsFleet.Token("command"));
        var source = Path.Combine(fleet.Dir, "db-password");
        var commandSource = Path.Combine(fleet.Dir, "api-token");
        await File.WriteAllTextAsync(source, fromFile);
        await File.WriteAllTextAsync(commandSource, fromCommand);

        await fleet.ApplyAsync($$"""
            deployment.secrets.greeting.text = "{{text}}";
            deployment.secrets.db = { file = ./db-password; owner = "nobody"; group = "nogroup"; mode = "0440"; destination = "/var/lib/app/keys/db"; };
            deployment.secrets.api = { command = [ "cat" "{{commandSource}}" ]; mode = "0600"; upload = "after-activation"; };
            """);

        Assert.Equal($"root root 400 {text}", await fleet.FileAsync("/run/keys/greeting"));
        Assert.Equal($"nobody nogroup 440 {fromFile}", await fleet.FileAsync("/var/lib/app/keys/db"));
        Assert.Equal($"root root 600 {fromCommand}", await fleet.FileAsync("/run/keys/api"));
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task An_owner_the_new_system_creates_owns_its_secret_uploaded_before_or_after_activation()
    {
        await using var fleet = await SecretsFleet.UpAsync();
        var (before, after) = (SecretsFleet.Token("before"), SecretsFleet.Token("after"));

        await fleet.ApplyAsync($$"""
            users.users.foo = { isSystemUser = true; group = "foo"; };
            users.groups.foo = { };
            deployment.secrets.early = { text = "{{before}}"; owner = "foo"; group = "foo"; };
            deployment.secrets.late = { text = "{{after}}"; owner = "foo"; group = "foo"; upload = "after-activation"; };
            """);

        Assert.Equal($"foo foo 400 {before}", await fleet.FileAsync("/run/keys/early"));
        Assert.Equal($"foo foo 400 {after}", await fleet.FileAsync("/run/keys/late"));
        Assert.Equal("none", (await fleet.OnNodeAsync("cat /var/lib/fleet-agent/pending-owners.json 2>/dev/null || echo none")).Trim());
        var plan = await fleet.FleetAsync("plan");
        Assert.Contains("No changes", plan.StandardOutput, StringComparison.Ordinal);
    }
}
