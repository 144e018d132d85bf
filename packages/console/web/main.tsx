/** The console page: a header and the page of the current hash route. */
import { render } from "preact";
import "./styles/base.css";
import "./styles/tables.css";
import "./styles/graph.css";
import "./styles/models.css";
import "./styles/daily.css";
import { ComparePage } from "./pages/compare.tsx";
import { LineagePage } from "./pages/lineage.tsx";
import { ModelsPage } from "./pages/models.tsx";
import { RunPage } from "./pages/run.tsx";
import { RunsPage } from "./pages/runs.tsx";
import { href, useRoute } from "./router.ts";

function App() {
  const { segments, query } = useRoute();
  const [section = "runs", name, view, arg] = segments;
  const page =
    section === "models" && name && view === "compare" ? (
      <ComparePage name={name} a={query.get("a")} b={query.get("b")} on={query.get("on")} />
    ) : section === "models" && name && view === "lineage" && arg ? (
      <LineagePage name={name} version={arg} />
    ) : section === "models" ? (
      <ModelsPage name={name ?? null} version={query.get("version")} />
    ) : name ? (
      <RunPage name={name} state={query.get("state")} tab={query.get("tab") ?? "states"} reason={query.get("reason")} />
    ) : (
      <RunsPage query={query} />
    );
  return (
    <>
      <header class="top">
        <a class="brand" href={href(["runs"])}>
          tollgate <span>console</span>
        </a>
        <nav>
          <a href={href(["runs"])} class={section === "runs" ? "active" : ""}>
            Runs
          </a>
          <a href={href(["models"])} class={section === "models" ? "active" : ""}>
            Models
          </a>
        </nav>
      </header>
      <main>{page}</main>
    </>
  );
}

render(<App />, document.getElementById("app")!);
