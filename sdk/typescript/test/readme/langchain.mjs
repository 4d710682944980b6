// Completes the README's LangChain.js block: `model`, a chat model that calls the tool once.
import { AIMessage } from "@langchain/core/messages";
import { BaseChatModel } from "@langchain/core/language_models/chat_models";

class ScriptedChatModel extends BaseChatModel {
  constructor(turns) {
    super({});
    this.turns = turns;
  }
  _llmType() {
    return "scripted";
  }
  bindTools() {
    return this;
  }
  async _generate() {
    const message = this.turns.shift() ?? new AIMessage("done");
    return { generations: [{ message, text: String(message.content) }] };
  }
}

const model = new ScriptedChatModel([
  new AIMessage({ content: "", tool_calls: [{ id: "call_1", name: "lookup_order", args: { orderId: 7 } }] }),
  new AIMessage("Order 7 has shipped."),
]);
