using Fleet.Engine.Graph;

namespace Fleet.Providers.Tests;

/// <summary>The built-in `hook` provider keeps the protocol's first rule (its resources need nodes: the testbed suites apply them).</summary>
public sealed class HookProviderHandshakeTests : ProviderHandshakeTests
{
    protected override ProviderDeclaration Declaration => TestProviders.BuiltIn("hook");
}
