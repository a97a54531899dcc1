using System.Text.Json;
using System.Text.Json.Nodes;
using Fleet.Engine.Graph;

namespace Fleet.Providers.Tests;

public sealed class PythonProviderConformanceTests : ProviderConformanceTests, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("fleet-local-file-").FullName;

    protected override ProviderDeclaration Declaration => TestProviders.Python();

    protected override string Type => "local.file";

    protected override JsonElement SampleInputs() =>
        TestProviders.Json(new JsonObject { ["path"] = Path.Combine(_directory, "notes.txt"), ["content"] = "hello\n" }.ToJsonString());

    protected override JsonElement ChangedInputs(JsonElement inputs)
    {
        var node = JsonNode.Parse(inputs.GetRawText())!;
        node["content"] = "changed\n";
        node["mode"] = "0600";
        return TestProviders.Json(node.ToJsonString());
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
