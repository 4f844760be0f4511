using Fovea.Vision.Models;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fovea.Cli.Commands;

/// <summary><c>fovea models</c>: the zoo, with parameter counts for a 28x28 grey input.</summary>
public sealed class ModelsCommand : Command<CommonSettings>
{
    public override int Execute(CommandContext context, CommonSettings s, CancellationToken cancellationToken)
    {
        var table = new Table().AddColumns("name", "parameters (1x28x28, 10 classes)", "description");
        foreach (var (name, desc) in ModelZoo.Descriptions)
        {
            long n = ModelZoo.Create(name, 1, 10, 28, new Generator(0)).Parameters().Sum(p => (long)p.Numel);
            table.AddRow(name, n.ToString("N0"), Markup.Escape(desc));
        }
        AnsiConsole.Write(table);
        return 0;
    }
}
