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
    public async Task The_schema_of_a_type_comes_from_its_provider()
    {
        var declared = new Dictionary<string, ProviderDeclaration> { ["local"] = TestProviders.Python() };
        await using var registry = new ProviderRegistry(declared, new ProcessRunner());

        var schema = await registry.GetSchemaAsync("local.file", CancellationToken.None);

        Assert.Equal("local.file", schema.Type);
        Assert.True(schema.Inputs.GetProperty("properties").TryGetProperty("content", out _));
    }
}
