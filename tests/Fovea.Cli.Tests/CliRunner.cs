using Fovea.Cli;

namespace Fovea.Cli.Tests;

/// <summary>Runs a fovea command in-process and captures what it prints (tests using it share the "console" collection).</summary>
static class CliRunner
{
    public static (int Code, string Output) Run(params string[] args)
    {
        var old = Console.Out;
        var sw = new StringWriter();
        Console.SetOut(sw);
        try
        {
            Spectre.Console.AnsiConsole.Console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
            {
                Out = new Spectre.Console.AnsiConsoleOutput(sw),
                Interactive = Spectre.Console.InteractionSupport.No,
            });
            int code = FoveaApp.Run(args);
            return (code, sw.ToString());
        }
        finally { Console.SetOut(old); }
    }
}
