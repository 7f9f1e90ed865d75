import type { Metadata } from "next";
import { NoModels } from "@/components/console/no-models";
import { ComparePlayground } from "@/components/playground/compare-playground";
import { loadPlayground } from "../chat/load";

export const metadata: Metadata = { title: "Compare" };

export default async function ComparePage() {
  const { models, baseUrl, isAdmin, canAddModels } = await loadPlayground("chat");
  if (models.length === 0) {
    return (
      <div className="px-4 py-10">
        <NoModels capability="chat" isAdmin={isAdmin} canAddModels={canAddModels} />
      </div>
    );
  }
  return <ComparePlayground models={models} baseUrl={baseUrl} />;
}
