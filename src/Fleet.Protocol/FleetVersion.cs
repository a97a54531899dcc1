using System.Reflection;

namespace Fleet.Protocol;

/// <summary>
/// fleet's one version (the repository's VERSION file, through Directory.Build.props): what
/// `fleet --version`, the built-in providers' `initialize` answer and `fleet-agent version` say.
/// </summary>
public static class FleetVersion
{
    public static string Current { get; } =
        typeof(FleetVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
}
