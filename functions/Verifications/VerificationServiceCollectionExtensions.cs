using Microsoft.Extensions.Options;

namespace Shiming.Verifications;

public static class VerificationServiceCollectionExtensions
{
    public static IServiceCollection AddVerifications(this IServiceCollection services)
    {
        services.AddOptions<VerificationOptions>()
            .BindConfiguration(VerificationOptions.Section)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<VerificationOptions>, VerificationOptionsValidator>();
        services.AddSingleton<Backlog>();
        services.AddSingleton<VerificationStore>();
        services.AddSingleton<PacingMargin>();
        services.AddSingleton<BudgetLedger>();
        services.AddSingleton<CallSlots>();
        services.AddSingleton<QpsRefusalMonitor>();
        services.AddScoped<VerificationDrain>();
        services.AddScoped<VerificationRetention>();
        return services;
    }
}
