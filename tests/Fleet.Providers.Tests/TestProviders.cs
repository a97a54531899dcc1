using System.Text.Json;
using Fleet.Engine.Graph;
using Fleet.Testbed;

namespace Fleet.Providers.Tests;

/// <summary>The real provider executables the tests drive: the C# dummy (by mode) and the Python example.</summary>
public static class TestProviders
{
    public static string DummyDll => Path.Combine(AppContext.BaseDirectory, "fleet-provider-dummy.dll");

    public static string PythonScript => Path.Combine(RepositoryPaths.Root, "providers", "examples", "local-file", "provider.py");

    public static string[] DummyCommand(string mode) => ["dotnet", DummyDll, mode];

    public static string[] PythonCommand => ["python3", PythonScript];

    public static ProviderDeclaration Dummy(string mode, TimeSpan? timeout = null) =>
        new(mode == "well-behaved" ? "dummy" : "dummy-" + mode, [.. DummyCommand(mode)], timeout ?? TimeSpan.FromSeconds(20));

    public static ProviderDeclaration Python(TimeSpan? timeout = null) =>
        new("local", [.. PythonCommand], timeout ?? TimeSpan.FromSeconds(20));

    public static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
