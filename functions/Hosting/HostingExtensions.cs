using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Logging.Console;
using Shiming.Api;

namespace Shiming.Hosting;

public static class HostingExtensions
{
    /// <summary>The pieces every feature relies on: clock, storage, identity, URLs, JSON and problem details.</summary>
    public static WebApplicationBuilder AddShimingHosting(this WebApplicationBuilder builder, HostingMode mode)
    {
        mode.ConfigureUrls(builder);
        ConfigureLogging(builder, mode);

        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(mode);
        services.AddShimingStorage();
        services.AddSingleton<CallerIdentity>();
        services.AddAuthentication(PlatformPrincipalAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, PlatformPrincipalAuthenticationHandler>(PlatformPrincipalAuthenticationHandler.SchemeName, null);
        services.AddAuthorization();
        services.AddSingleton<PublicUrls>();
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new UtcTimestampConverter()));
        services.Configure<ForwardedHeadersOptions>(o => o.ForwardedHeaders = ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost);

        services.AddSingleton<TimerFunctionRunner>();
        if (!mode.IsCustomHandler)
        {
            services.AddHostedService<InProcessTimerScheduler>();
        }

        return builder;
    }

    private static void ConfigureLogging(WebApplicationBuilder builder, HostingMode mode)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
            o.UseUtcTimestamp = true;
        });

        // The Functions host logs every stderr line as an error, so only errors go there.
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = mode.IsCustomHandler ? LogLevel.Error : LogLevel.None);
    }

    public static WebApplication UseShimingHosting(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseCors(ApiExtensions.CorsPolicy);
        app.UseAuthentication();
        app.UseAuthorization();

        var mode = app.Services.GetRequiredService<HostingMode>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Shiming.Hosting");
        if (mode.CustomHandlerPort is { } port)
        {
            Log.RunningAsCustomHandler(logger, port);
            app.MapCustomHandlerInvocations();
        }
        else
        {
            Log.RunningStandalone(logger);
        }

        // The host's readiness probe and health ping: any answer means ready, so keep it cheap.
        app.MapGet("/", () => TypedResults.Text("Shiming")).ExcludeFromDescription();
        return app;
    }
}
