using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Logging.Console;

namespace Shiming.Api;

public static class ApiServiceCollectionExtensions
{
    /// <summary>What every HTTP function relies on: clock, identity, URLs, JSON, problem details, the job endpoints and the OpenAPI document.</summary>
    public static IServiceCollection AddShimingApi(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<CallerIdentity>();
        services.AddSingleton<PublicUrls>();
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new UtcTimestampConverter()));
        services.AddShimingOpenApi();
        services.AddSingleton<JobEndpoints>(); // the Durable-style API every kind of job has

        // The host keeps the worker's logs (they reach it over the worker channel); a console copy would log each line twice.
        // ASP.NET Core's own lines ("Setting HTTP status code", "Writing value of type") add nothing the host's do not say.
        services.Configure<LoggerFilterOptions>(o =>
        {
            o.Rules.Add(new LoggerFilterRule(typeof(ConsoleLoggerProvider).FullName, null, LogLevel.None, null));
            o.Rules.Add(new LoggerFilterRule(null, "Microsoft.AspNetCore", LogLevel.Warning, null));
        });
        return services;
    }

    /// <summary>
    /// The worker middleware of HTTP functions: an exception becomes a 500 problem details answer without its text,
    /// and the caller is established before a function runs.
    /// </summary>
    public static FunctionsApplicationBuilder UseShimingApi(this FunctionsApplicationBuilder builder)
    {
        builder.UseWhen<UnhandledExceptionMiddleware>(IsHttpFunction);
        builder.UseWhen<CallerMiddleware>(IsHttpFunction);
        return builder;
    }

    private static bool IsHttpFunction(FunctionContext context) =>
        context.FunctionDefinition.InputBindings.Values.Any(b => string.Equals(b.Type, "httpTrigger", StringComparison.OrdinalIgnoreCase));
}
