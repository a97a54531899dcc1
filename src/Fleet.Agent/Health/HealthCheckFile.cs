using System.Collections.Immutable;
using System.Text.Json;

namespace Fleet.Agent.Health;

/// <summary>Reads the checks file: a JSON array of checks; "-" reads standard input.</summary>
public static class HealthCheckFile
{
    public static async Task<ImmutableArray<HealthCheck>> LoadAsync(string? path, CancellationToken cancellationToken)
    {
        if (path is null)
        {
            return [];
        }

        string text;
        try
        {
            text = path == "-"
                ? await Console.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false)
                : await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new UsageException($"cannot read health checks {path}: {e.Message}", e);
        }

        return Parse(text, path);
    }

    public static ImmutableArray<HealthCheck> Parse(string json, string source = "health checks")
    {
        HealthCheck[]? checks;
        try
        {
            checks = JsonSerializer.Deserialize(json, AgentJsonContext.Default.HealthCheckArray);
        }
        catch (JsonException e)
        {
            throw new UsageException($"{source}: not a JSON array of checks: {e.Message}", e);
        }

        if (checks is null)
        {
            throw new UsageException($"{source}: expected a JSON array of checks, got null");
        }

        for (var i = 0; i < checks.Length; i++)
        {
            if (checks[i] is null)
            {
                throw new UsageException($"{source}: check {i} is null");
            }

            if (checks[i].Problem() is { } problem)
            {
                throw new UsageException($"{source}: check {i} ({checks[i].DisplayName}): {problem}");
            }
        }

        return [.. checks];
    }
}
