using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Shiming.Telemetry;

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>The standard settings that turn exporting on (read by the exporters themselves as well).</summary>
    public const string AzureMonitorSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    public const string AzureMonitorAuthenticationSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// The <c>Shiming</c> meter and activity source, always (so the code that reports to them never asks whether anyone
    /// listens), and OpenTelemetry the way Functions apps set it up: traces, metrics and logs to Azure Monitor when
    /// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set, over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is,
    /// both when both are, and no OpenTelemetry pipeline at all when neither is.
    /// </summary>
    public static IServiceCollection AddShimingTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMetrics();
        services.AddSingleton<ShimingMetrics>();

        var azureMonitor = configuration[AzureMonitorSetting] is { Length: > 0 };
        var otlp = configuration[OtlpEndpointSetting] is { Length: > 0 };
        if (!azureMonitor && !otlp)
        {
            return services;
        }

        // UseFunctionsWorkerDefaults names the resource after the Functions app, adds the worker's invocation spans
        // (children of the host's trace context) and tells the host not to send the worker's telemetry again itself.
        // No HTTP client instrumentation: OCR URLs carry Baidu's access token in their query string.
        var telemetry = services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            .WithTracing(tracing => tracing.AddSource(ShimingTelemetry.Name))
            .WithMetrics(metrics => metrics.AddMeter(ShimingTelemetry.Name))
            .WithLogging();
        if (otlp)
        {
            telemetry.UseOtlpExporter(); // endpoint, protocol and headers from the standard OTEL_EXPORTER_OTLP_* settings
        }

        if (azureMonitor)
        {
            var credential = EntraCredential(configuration[AzureMonitorAuthenticationSetting]);
            telemetry.UseAzureMonitorExporter(options =>
            {
                options.ConnectionString = configuration[AzureMonitorSetting];
                options.Credential = credential;
            });
        }

        return services;
    }

    /// <summary>
    /// The credential <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c> names, read as the Functions host reads it:
    /// <c>Authorization=AAD</c> with a user-assigned identity's <c>ClientId</c>, or without one for the system-assigned
    /// identity. Null (the connection string's key) when the setting is absent.
    /// </summary>
    internal static TokenCredential? EntraCredential(string? authenticationString)
    {
        if (string.IsNullOrWhiteSpace(authenticationString))
        {
            return null;
        }

        var parts = authenticationString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2, StringSplitOptions.TrimEntries))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.OrdinalIgnoreCase);
        if (!parts.TryGetValue("Authorization", out var authorization) || !authorization.Equals("AAD", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"The setting '{AzureMonitorAuthenticationSetting}' must say 'Authorization=AAD' (with 'ClientId=…' for a user-assigned identity).");
        }

        return parts.TryGetValue("ClientId", out var clientId) && clientId.Length > 0
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned);
    }
}
