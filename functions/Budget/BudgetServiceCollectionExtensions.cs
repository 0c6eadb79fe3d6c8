using Microsoft.Extensions.Options;

namespace Shiming.Budget;

public static class BudgetServiceCollectionExtensions
{
    /// <summary>The pacing settings every <see cref="QpsBudget"/> reads, validated at start.</summary>
    public static IServiceCollection AddQpsBudgets(this IServiceCollection services)
    {
        services.AddOptions<PacingOptions>().BindConfiguration(PacingOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PacingOptions>, PacingOptionsValidator>();
        services.AddSingleton<IValidateOptions<PacingOptions>, PacingOptionsOrderValidator>();
        return services;
    }
}
