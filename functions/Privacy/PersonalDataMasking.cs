using System.Globalization;

namespace Shiming.Privacy;

/// <summary>Shows personal values partly hidden, for lists and anywhere the full value is not needed.</summary>
public static class PersonalDataMasking
{
    /// <summary>Keeps the first character, and the last of names of three or more: 张*, 欧*锋, 司**睿.</summary>
    public static string MaskName(string name)
    {
        var characters = StringInfo.GetTextElementEnumerator(name.Trim());
        var elements = new List<string>();
        while (characters.MoveNext())
        {
            elements.Add(characters.GetTextElement());
        }

        return elements.Count switch
        {
            0 => "",
            1 => "*",
            2 => elements[0] + "*",
            _ => elements[0] + new string('*', elements.Count - 2) + elements[^1],
        };
    }
}
