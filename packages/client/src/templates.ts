// The template variables are part of the protocol: the server fills reply templates with the same function.
export { fillTemplate, type TemplateContext } from '@switchboard/protocol';
