using Fleet.Engine.Graph;

namespace Fleet.Providers.Tests;

/// <summary>The built-in `secret` provider keeps the protocol's first rule (its resources need nodes: the testbed suites apply them).</summary>
public sealed class SecretProviderHandshakeTests : ProviderHandshakeTests
{
    protected override ProviderDeclaration Declaration => TestProviders.BuiltIn("secret");
}
