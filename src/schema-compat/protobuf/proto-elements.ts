/** A parsed `.proto` file, shaped like Square Wire's `ProtoFileElement` (the model Confluent's registry works on). */

export type FieldLabel = 'OPTIONAL' | 'REQUIRED' | 'REPEATED';
export type OptionKind = 'STRING' | 'BOOLEAN' | 'NUMBER' | 'ENUM' | 'MAP' | 'LIST' | 'OPTION';

/** A scalar inside an option map or list: Wire keeps booleans, numbers and enum names as text with their kind. */
export interface OptionPrimitive {
  readonly primitiveKind: 'BOOLEAN' | 'NUMBER' | 'ENUM';
  readonly value: string;
}

/** A value inside an option map or list. */
export type OptionValue = string | OptionPrimitive | OptionElement | OptionMap | OptionValue[];
export type OptionMap = Map<string, OptionValue>;

export interface OptionElement {
  readonly name: string;
  readonly kind: OptionKind;
  /** STRING/BOOLEAN/NUMBER/ENUM: the text; MAP: a map; LIST: a list; OPTION: the nested option. */
  readonly value: string | OptionMap | OptionValue[] | OptionElement;
  readonly isParenthesized: boolean;
}

export interface FieldElement {
  readonly label: FieldLabel | undefined;
  readonly type: string;
  readonly name: string;
  readonly defaultValue: string | undefined;
  readonly jsonName: string | undefined;
  readonly tag: number;
  readonly options: readonly OptionElement[];
}

export interface GroupElement {
  readonly label: FieldLabel | undefined;
  readonly name: string;
  readonly tag: number;
  readonly fields: readonly FieldElement[];
}

export interface OneOfElement {
  readonly name: string;
  readonly fields: readonly FieldElement[];
  readonly groups: readonly GroupElement[];
  readonly options: readonly OptionElement[];
}

/** A reserved tag, a tag range (inclusive) or a reserved name. */
export type ReservedValue = number | string | readonly [start: number, end: number];

export interface ReservedElement {
  readonly values: readonly ReservedValue[];
}

export interface ExtensionsElement {
  readonly values: readonly (number | readonly [number, number])[];
  readonly options: readonly OptionElement[];
}

export interface ExtendElement {
  readonly name: string;
  readonly fields: readonly FieldElement[];
}

export interface EnumConstantElement {
  readonly name: string;
  readonly tag: number;
  readonly options: readonly OptionElement[];
}

export interface EnumElement {
  readonly kind: 'enum';
  readonly name: string;
  readonly options: readonly OptionElement[];
  readonly constants: readonly EnumConstantElement[];
  readonly reserveds: readonly ReservedElement[];
  readonly nestedTypes: readonly TypeElement[];
}

export interface MessageElement {
  readonly kind: 'message';
  readonly name: string;
  readonly nestedTypes: readonly TypeElement[];
  readonly options: readonly OptionElement[];
  readonly reserveds: readonly ReservedElement[];
  readonly fields: readonly FieldElement[];
  readonly oneOfs: readonly OneOfElement[];
  readonly extensions: readonly ExtensionsElement[];
  readonly groups: readonly GroupElement[];
  readonly extendDeclarations: readonly ExtendElement[];
}

export type TypeElement = MessageElement | EnumElement;

export interface RpcElement {
  readonly name: string;
  readonly requestType: string;
  readonly responseType: string;
  readonly requestStreaming: boolean;
  readonly responseStreaming: boolean;
  readonly options: readonly OptionElement[];
}

export interface ServiceElement {
  readonly name: string;
  readonly rpcs: readonly RpcElement[];
  readonly options: readonly OptionElement[];
}

export interface ProtoFileElement {
  readonly packageName: string | undefined;
  readonly syntax: 'proto2' | 'proto3' | undefined;
  readonly imports: readonly string[];
  readonly publicImports: readonly string[];
  readonly weakImports: readonly string[];
  readonly types: readonly TypeElement[];
  readonly services: readonly ServiceElement[];
  readonly extendDeclarations: readonly ExtendElement[];
  readonly options: readonly OptionElement[];
}

/** Wire's `MAX_TAG_VALUE`, what `max` means in a range. */
export const MAX_TAG_VALUE = 536870911;
