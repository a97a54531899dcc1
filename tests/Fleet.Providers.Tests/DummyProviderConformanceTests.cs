using System.Text.Json;
using Fleet.Engine.Graph;

namespace Fleet.Providers.Tests;

public sealed class DummyProviderConformanceTests : ProviderConformanceTests
{
    protected override ProviderDeclaration Declaration => TestProviders.Dummy("well-behaved");

    protected override string Type => "dummy.thing";

    protected override JsonElement SampleInputs() => TestProviders.Json("""{"name":"n","value":"v"}""");

    protected override JsonElement ChangedInputs(JsonElement inputs) => TestProviders.Json("""{"name":"n","value":"w"}""");
}
