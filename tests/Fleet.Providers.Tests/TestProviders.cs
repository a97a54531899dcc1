using System.Text.Json;
using Fleet.Engine.Graph;
using Fleet.Testbed;

namespace Fleet.Providers.Tests;

/// <summary>The real provider executables the tests drive: the C# dummy (by mode), the Python example and the built-in providers.</summary>
public static class TestProviders
{
    public static string DummyDll => Path.Combine(AppContext.BaseDirectory, "fleet-provider-dummy.dll");

    public static string PythonScript => Path.Combine(RepositoryPaths.Root, "providers", "examples", "local-file", "provider.py");

    public static string[] DummyCommand(string mode) => ["dotnet", DummyDll, mode];

    public static string[] PythonCommand => ["python3", PythonScript];

    /// <summary>The per-call timeout unless a test gives one: a bound only a hang reaches, however busy the machine.</summary>
    public static readonly TimeSpan Patient = TimeSpan.FromMinutes(2);

    public static ProviderDeclaration Dummy(string mode, TimeSpan? timeout = null) =>
        new(mode == "well-behaved" ? "dummy" : "dummy-" + mode, [.. DummyCommand(mode)], timeout ?? Patient);

    public static ProviderDeclaration Python(TimeSpan? timeout = null) =>
        new("local", [.. PythonCommand], timeout ?? Patient);

    /// <summary>A built-in provider (fleet-provider-NAME.dll, copied beside the tests as beside fleet).</summary>
    public static ProviderDeclaration BuiltIn(string name) =>
        new(name, ["dotnet", Path.Combine(AppContext.BaseDirectory, $"fleet-provider-{name}.dll")], Patient);

    public static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
