using System.Collections.Immutable;
using System.Globalization;

namespace Fleet.Agent.Health;

/// <summary>
/// One health check as written in the checks file (schemas/health-checks.schema.json).
/// Flat on purpose: `type` says which of the other fields matter.
/// </summary>
public sealed record HealthCheck
{
    public string Type { get; init; } = string.Empty;

    /// <summary>Shown in results and metrics; defaults to a description of the target.</summary>
    public string? Name { get; init; }

    public string? Url { get; init; }

    public int? ExpectStatus { get; init; }

    public string? Host { get; init; }

    public int? Port { get; init; }

    public ImmutableArray<string>? Argv { get; init; }

    public string? Unit { get; init; }

    /// <summary>Seconds one attempt may take.</summary>
    public double? Timeout { get; init; }

    /// <summary>Further attempts after a failed one.</summary>
    public int? Retries { get; init; }

    /// <summary>Seconds between attempts.</summary>
    public double? Interval { get; init; }

    /// <summary>Seconds to wait before the first attempt.</summary>
    public double? GracePeriod { get; init; }

    public string DisplayName => Name ?? Type switch
    {
        "http" => $"http {Url}",
        "tcp" => string.Create(CultureInfo.InvariantCulture, $"tcp {Host}:{Port}"),
        "command" => "command " + string.Join(' ', Argv ?? []),
        "unit" => $"unit {Unit}",
        _ => Type,
    };

    public TimeSpan AttemptTimeout => TimeSpan.FromSeconds(Timeout ?? (Type == "command" ? 10 : 5));

    public int RetryCount => Retries ?? 3;

    public TimeSpan RetryInterval => TimeSpan.FromSeconds(Interval ?? 2);

    public TimeSpan Grace => TimeSpan.FromSeconds(GracePeriod ?? 0);

    /// <summary>What is wrong with this check, or null if it can run.</summary>
    public string? Problem() => Type switch
    {
        "http" when string.IsNullOrEmpty(Url) || !Uri.TryCreate(Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
            => "an http check needs an absolute http(s) \"url\"",
        "tcp" when string.IsNullOrEmpty(Host) || Port is not (> 0 and < 65536) => "a tcp check needs \"host\" and \"port\" (1-65535)",
        "command" when Argv is not { Length: > 0 } argv || string.IsNullOrEmpty(argv[0]) => "a command check needs a non-empty \"argv\"",
        "unit" when string.IsNullOrEmpty(Unit) => "a unit check needs \"unit\"",
        "http" or "tcp" or "command" or "unit" when Timeout is <= 0 || Retries is < 0 || Interval is < 0 || GracePeriod is < 0
            => "timeout must be positive; retries, interval and gracePeriod must not be negative",
        "http" or "tcp" or "command" or "unit" => null,
        _ => $"unknown check type '{Type}' (http, tcp, command, unit)",
    };
}
