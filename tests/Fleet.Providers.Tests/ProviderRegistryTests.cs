using Fleet.Engine.Graph;
using Fleet.Engine.Providers;
using Fleet.Processes;

namespace Fleet.Providers.Tests;

public sealed class ProviderRegistryTests
{
    [Fact(Timeout = TestTimeouts.Local)]
    public async Task An_unknown_provider_says_how_to_declare_or_install_it()
    {
        await using var registry = new ProviderRegistry(new Dictionary<string, ProviderDeclaration>(), new ProcessRunner(), builtInDirectory: "/nonexistent");

        var error = await Assert.ThrowsAsync<ProviderException>(() => registry.GetAsync("nosuch", CancellationToken.None));

        Assert.Equal("no provider `nosuch`: declare it in `providers.nosuch.command` or install fleet-provider-nosuch", error.Message);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_built_in_dll_beside_fleet_is_found_and_started_once()
    {
        await using var registry = new ProviderRegistry(new Dictionary<string, ProviderDeclaration>(), new ProcessRunner(), AppContext.BaseDirectory);

        var clients = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => registry.GetAsync("dummy", CancellationToken.None)));

        Assert.All(clients, c => Assert.Same(clients[0], c));
        Assert.Equal("dummy", clients[0].Info.Name);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_built_in_declared_with_only_a_timeout_is_found_and_gets_that_timeout()
    {
        var declared = new Dictionary<string, ProviderDeclaration> { ["dummy"] = new("dummy", [], TimeSpan.FromSeconds(1800)) };
        await using var registry = new ProviderRegistry(declared, new ProcessRunner(), AppContext.BaseDirectory);

        var client = await registry.GetAsync("dummy", CancellationToken.None);

        Assert.Equal("dummy", client.Info.Name);
        // The built-in's own command: its apphost beside fleet, or its dll run with dotnet.
        Assert.StartsWith(Path.Combine(AppContext.BaseDirectory, "fleet-provider-dummy"), client.Declaration.Command[^1], StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(1800), client.Declaration.Timeout);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task An_undeclared_built_in_gets_the_default_timeout()
    {
        await using var registry = new ProviderRegistry(new Dictionary<string, ProviderDeclaration>(), new ProcessRunner(), AppContext.BaseDirectory);

        var declaration = registry.Resolve("dummy");

        Assert.Equal(ProviderDeclaration.DefaultTimeout, declaration.Timeout);
        Assert.Equal(TimeSpan.FromMinutes(10), declaration.Timeout);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_provider_declared_without_a_command_that_is_not_built_in_is_an_error_naming_it()
    {
        var declared = new Dictionary<string, ProviderDeclaration> { ["ghost"] = new("ghost", [], TimeSpan.FromSeconds(60)) };
        await using var registry = new ProviderRegistry(declared, new ProcessRunner(), builtInDirectory: "/nonexistent");

        var error = await Assert.ThrowsAsync<ProviderException>(() => registry.GetAsync("ghost", CancellationToken.None));

        Assert.Equal("ghost", error.Provider);
        Assert.Equal(
            "provider `ghost` is declared without a `command` (`providers.ghost`), and it is not a built-in provider "
            + "(there is no fleet-provider-ghost beside fleet or on PATH): give `providers.ghost.command`, the argv that starts it",
            error.Message);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task The_schema_of_a_type_comes_from_its_provider()
    {
        var declared = new Dictionary<string, ProviderDeclaration> { ["local"] = TestProviders.Python() };
        await using var registry = new ProviderRegistry(declared, new ProcessRunner());

        var schema = await registry.GetSchemaAsync("local.file", CancellationToken.None);

        Assert.Equal("local.file", schema.Type);
        Assert.True(schema.Inputs.GetProperty("properties").TryGetProperty("content", out _));
    }
}
