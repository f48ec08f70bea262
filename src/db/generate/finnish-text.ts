/**
 * Finnish wording for the synthetic projects and organisations: per theme, title templates with an
 * inflected variant and "ideas" (one sentence each) in two wordings, so that a planted pair can
 * say the same thing as people do (synonyms, other inflections, a rewritten sentence) rather than
 * as a copy. `{place}` is replaced by a postal area's name in the nominative.
 */

export interface ThemeText {
  /** Theme code (vocabularies.ts). */
  theme: string;
  /** Target group codes the theme's projects serve. */
  targetGroups: readonly string[];
  /** [title, the same title with other inflections or word order]. */
  titles: ReadonlyArray<readonly [string, string]>;
  /** [sentence, the same idea rewritten]. */
  ideas: ReadonlyArray<readonly [string, string]>;
  purpose: string;
}

export const THEME_TEXTS: readonly ThemeText[] = [
  {
    theme: 'YOUTH_PARTICIPATION',
    targetGroups: ['YOUNG_PEOPLE'],
    titles: [
      ['Nuorten olohuone {place}', 'Olohuone nuorille – {place}'],
      ['Nuorten kohtaamispaikka {place}', 'Kohtaamispaikka nuorille: {place}'],
      ['Nuoret mukaan päättämään – {place}', 'Nuorten osallisuus päätöksenteossa, {place}'],
    ],
    ideas: [
      ['Hanke avaa nuorille matalan kynnyksen kohtaamispaikan, jossa nuoret voivat viettää iltoja turvallisesti.', 'Nuorten kohtaamispaikka on avoinna iltaisin, ja sinne on helppo tulla ilman ennakkoilmoittautumista.'],
      ['Nuoret suunnittelevat toiminnan itse yhdessä nuorisotyöntekijöiden kanssa.', 'Toiminnan sisällöt päätetään nuorten kanssa, ja nuorisotyöntekijät tukevat suunnittelua.'],
      ['Tavoitteena on vahvistaa nuorten osallisuutta ja yhteisöllisyyttä asuinalueella.', 'Hanke lisää nuorten osallisuutta sekä alueen yhteisöllisyyttä.'],
      ['Nuorille järjestetään harrastuskokeiluja, retkiä ja vertaisryhmiä.', 'Tarjolla on nuorille retkiä, vertaisryhmiä ja mahdollisuus kokeilla uusia harrastuksia.'],
    ],
    purpose: 'Nuorten syrjäytymisen ehkäiseminen ja osallisuuden vahvistaminen.',
  },
  {
    theme: 'EMPLOYMENT',
    targetGroups: ['UNEMPLOYED', 'WORKING_AGE_DIFFICULT_POSITION'],
    titles: [
      ['Työpajalla töihin – {place}', 'Töihin työpajan kautta, {place}'],
      ['Kierrätysverstas työllistää {place}', 'Työllistävä kierrätysverstas – {place}'],
      ['Polku työelämään {place}', 'Työelämän polut – {place}'],
    ],
    ideas: [
      ['Hanke tarjoaa pitkäaikaistyöttömille työpajatoimintaa ja ohjausta kohti avoimia työmarkkinoita.', 'Pitkään työttömänä olleet pääsevät työpajalle, jossa heitä ohjataan kohti avointa työtä.'],
      ['Kierrätysverstaalla korjataan huonekaluja ja tekstiilejä, ja osallistujat oppivat käytännön taitoja.', 'Osallistujat oppivat käytännön taitoja korjaamalla kierrätyshuonekaluja ja -tekstiilejä verstaalla.'],
      ['Jokaiselle laaditaan henkilökohtainen työllistymissuunnitelma yhdessä työvalmentajan kanssa.', 'Työvalmentaja tekee osallistujan kanssa oman suunnitelman työllistymisen tueksi.'],
      ['Yhteistyö paikallisten yritysten kanssa avaa työkokeilu- ja harjoittelupaikkoja.', 'Paikalliset yritykset tarjoavat työkokeiluja ja harjoittelua hankkeen osallistujille.'],
    ],
    purpose: 'Työllisyyden parantaminen ja työttömyyden vähentäminen.',
  },
  {
    theme: 'LOCAL_FOOD',
    targetGroups: ['ENTREPRENEURS', 'RURAL_RESIDENTS'],
    titles: [
      ['Lähiruokatori {place}', 'Tori lähiruoalle – {place}'],
      ['Kylien lähiruoka kaupunkiin – {place}', 'Lähiruokaa kylistä kaupunkiin, {place}'],
      ['Lähiruoan reitit {place}', 'Reitit lähiruokaan – {place}'],
    ],
    ideas: [
      ['Hanke kokoaa paikalliset tuottajat myymään lähiruokaa yhteisellä torilla.', 'Paikalliset ruoantuottajat myyvät lähiruokaa yhdessä torilla hankkeen tuella.'],
      ['Tuottajille järjestetään koulutusta tuotteistamisesta ja verkkokaupasta.', 'Ruoantuottajat saavat koulutusta tuotteiden kehittämiseen ja verkkomyyntiin.'],
      ['Lähiruoan logistiikkaa kehitetään yhteiskuljetuksilla kylistä keskustaan.', 'Yhteiset kuljetukset vievät lähiruoan kylistä keskustaan.'],
      ['Kuluttajat tutustuvat tilojen arkeen avoimien ovien päivinä.', 'Tilat avaavat ovensa kuluttajille, jotka pääsevät näkemään ruoantuotannon arkea.'],
    ],
    purpose: 'Lähiruoan saatavuuden ja paikallisen elinkeinotoiminnan vahvistaminen.',
  },
  {
    theme: 'VILLAGE_DEVELOPMENT',
    targetGroups: ['RURAL_RESIDENTS', 'ASSOCIATIONS'],
    titles: [
      ['Kylätalo kaikkien olohuoneeksi – {place}', 'Kaikkien olohuone kylätalolla, {place}'],
      ['Kyläsuunnitelma {place}', 'Suunnitelma kylän tulevaisuudelle – {place}'],
      ['Elinvoimainen kylä {place}', 'Kylän elinvoima – {place}'],
    ],
    ideas: [
      ['Kylätalo kunnostetaan esteettömäksi ja sen käyttöä laajennetaan kaikille ikäryhmille.', 'Kylätalosta tehdään esteetön kohtaamispaikka, jota kaikenikäiset voivat käyttää.'],
      ['Kyläläiset laativat yhdessä kyläsuunnitelman ja valitsevat tärkeimmät kehittämiskohteet.', 'Kyläsuunnitelma tehdään kyläläisten kanssa, ja siinä sovitaan tärkeimmistä kehittämiskohteista.'],
      ['Kylätoimintaan houkutellaan uusia asukkaita ja vapaaehtoisia.', 'Uudet asukkaat ja vapaaehtoiset kutsutaan mukaan kylän toimintaan.'],
      ['Kylän palveluja kehitetään yhteistyössä yhdistysten ja yrittäjien kanssa.', 'Yhdistykset ja yrittäjät kehittävät kylän palveluja yhdessä.'],
    ],
    purpose: 'Kylien elinvoiman ja yhteisöllisyyden vahvistaminen.',
  },
  {
    theme: 'INTEGRATION',
    targetGroups: ['IMMIGRANTS'],
    titles: [
      ['Kotoutuminen arjessa – {place}', 'Arjen kotoutumista, {place}'],
      ['Suomea ja työtä maahanmuuttajille {place}', 'Maahanmuuttajien suomen kieli ja työ – {place}'],
      ['Yhdessä asuinalueella {place}', 'Asuinalueella yhdessä – {place}'],
    ],
    ideas: [
      ['Maahanmuuttajille järjestetään suomen kielen kerhoja ja arjen taitojen ohjausta.', 'Hanke tarjoaa maahanmuuttajille kielikerhoja sekä ohjausta arjen asioissa.'],
      ['Vapaaehtoiset kielikaverit tukevat kotoutumista ja tutustuttavat paikalliseen elämään.', 'Kotoutumista tukevat vapaaehtoiset kielikaverit, jotka esittelevät paikallista elämää.'],
      ['Maahanmuuttajanaisille ja perheille tarjotaan omia vertaisryhmiä.', 'Perheille ja maahanmuuttajanaisille on omat vertaisryhmänsä.'],
      ['Työnantajien kanssa etsitään harjoittelupaikkoja maahanmuuttajille.', 'Harjoittelupaikkoja maahanmuuttajille etsitään yhdessä työnantajien kanssa.'],
    ],
    purpose: 'Maahanmuuttajien kotoutumisen ja osallisuuden edistäminen.',
  },
  {
    theme: 'DIGITAL_SKILLS',
    targetGroups: ['OLDER_PEOPLE'],
    titles: [
      ['Ikäihmisten digituki {place}', 'Digitukea ikäihmisille – {place}'],
      ['Digikummit {place}', 'Kummit digiarkeen, {place}'],
      ['Turvallisesti verkossa – {place}', 'Verkossa turvallisesti {place}'],
    ],
    ideas: [
      ['Ikäihmiset saavat henkilökohtaista opastusta älypuhelimen ja verkkopalvelujen käyttöön.', 'Hanke opastaa ikääntyneitä henkilökohtaisesti puhelimen ja verkkopalvelujen käytössä.'],
      ['Vapaaehtoiset digikummit pitävät neuvontatuokioita kirjastoissa ja kylätaloilla.', 'Neuvontatuokioita pidetään kylätaloilla ja kirjastoissa vapaaehtoisten digikummien voimin.'],
      ['Koulutuksessa käydään läpi verkkopankin, sähköisen asioinnin ja videopuhelujen perusteet.', 'Perusteet sähköisestä asioinnista, verkkopankista ja videopuheluista opitaan koulutuksessa.'],
      ['Hanke tuottaa selkokielisen oppaan digiarjen avuksi.', 'Digiarjen tueksi laaditaan selkokielinen opas.'],
    ],
    purpose: 'Ikäihmisten digitaitojen ja itsenäisen asioinnin vahvistaminen.',
  },
  {
    theme: 'CULTURE',
    targetGroups: ['CHILDREN', 'FAMILIES_WITH_CHILDREN'],
    titles: [
      ['Kulttuuria kaikille {place}', 'Kaikkien kulttuuri – {place}'],
      ['Lasten kulttuurikesä {place}', 'Kulttuurikesä lapsille, {place}'],
      ['Tarinoiden {place}', 'Tarinat kertovat – {place}'],
    ],
    ideas: [
      ['Lapsille ja perheille järjestetään maksuttomia teatteri-, musiikki- ja kuvataidetyöpajoja.', 'Perheet ja lapset pääsevät maksutta teatterin, musiikin ja kuvataiteen työpajoihin.'],
      ['Paikalliset taiteilijat kiertävät kouluissa ja päiväkodeissa.', 'Koulut ja päiväkodit saavat vierailulle paikallisia taiteilijoita.'],
      ['Kesällä pidetään yhteislauluiltoja ja ulkoilmaesityksiä.', 'Ulkoilmaesitykset ja yhteislauluillat kokoavat asukkaat kesäisin.'],
      ['Alueen historia kootaan asukkaiden kertomuksista näyttelyksi.', 'Asukkaiden kertomuksista syntyy näyttely alueen historiasta.'],
    ],
    purpose: 'Kulttuuripalvelujen saavutettavuuden parantaminen.',
  },
  {
    theme: 'SPORT_AND_EXERCISE',
    targetGroups: ['CHILDREN', 'YOUNG_PEOPLE'],
    titles: [
      ['Liikkuva {place}', 'Liikettä – {place}'],
      ['Matalan kynnyksen liikuntaa {place}', 'Liikuntaa matalalla kynnyksellä – {place}'],
      ['Lähiliikuntapaikka {place}', 'Liikuntapaikka lähelle, {place}'],
    ],
    ideas: [
      ['Hanke järjestää lapsille ja nuorille maksuttomia liikuntakerhoja koulupäivän jälkeen.', 'Koulupäivän jälkeen lapset ja nuoret voivat osallistua maksuttomiin liikuntakerhoihin.'],
      ['Lähiliikuntapaikka rakennetaan talkoilla yhdessä asukkaiden kanssa.', 'Asukkaat rakentavat lähiliikuntapaikan talkootyönä.'],
      ['Liikuntaseurat ja koulut sopivat yhteisestä vuorokalenterista.', 'Yhteinen vuorokalenteri sovitaan seurojen ja koulujen kesken.'],
      ['Erityisesti vähän liikkuvia kannustetaan kokeilemaan uusia lajeja.', 'Vähän liikkuvat saavat kannustusta uusien lajien kokeiluun.'],
    ],
    purpose: 'Liikunnallisen elämäntavan edistäminen.',
  },
  {
    theme: 'ENVIRONMENT',
    targetGroups: ['NEIGHBOURHOOD_RESIDENTS', 'RURAL_RESIDENTS'],
    titles: [
      ['Puhtaat vedet {place}', 'Vesistöt puhtaiksi – {place}'],
      ['Luontopolku {place}', 'Polku luontoon, {place}'],
      ['Kiertotalous arkeen {place}', 'Arjen kiertotalous – {place}'],
    ],
    ideas: [
      ['Asukkaat kunnostavat lähivesistöjä ja rantoja talkoilla.', 'Rantoja ja lähivesiä kunnostetaan asukkaiden talkootyönä.'],
      ['Luontopolku merkitään ja varustetaan opastauluin.', 'Opastaulut ja merkinnät tehdään uudelle luontopolulle.'],
      ['Kierrätystä ja korjaamista edistetään yhteisillä korjauspajoilla.', 'Yhteiset korjauspajat kannustavat kierrättämään ja korjaamaan.'],
      ['Koululaiset tutkivat lähiluontoa ympäristökasvatuksen retkillä.', 'Ympäristökasvatuksen retkillä koululaiset tutustuvat lähiluontoon.'],
    ],
    purpose: 'Ympäristön tilan parantaminen ja ympäristötietoisuuden lisääminen.',
  },
  {
    theme: 'WELLBEING',
    targetGroups: ['OLDER_PEOPLE', 'FAMILIES_WITH_CHILDREN'],
    titles: [
      ['Hyvinvointia yhdessä {place}', 'Yhteistä hyvinvointia – {place}'],
      ['Perhekahvila {place}', 'Kahvila perheille, {place}'],
      ['Arjen tuki ikäihmisille {place}', 'Ikäihmisten arjen tuki – {place}'],
    ],
    ideas: [
      ['Perhekahvila kokoaa vanhemmat ja lapset vertaistuen äärelle viikoittain.', 'Joka viikko vanhemmat ja lapset kohtaavat perhekahvilassa ja saavat vertaistukea.'],
      ['Yksinäisyyttä torjutaan ystäväpalvelulla ja kotikäynneillä.', 'Ystäväpalvelu ja kotikäynnit vähentävät yksinäisyyttä.'],
      ['Terveysneuvontaa tarjotaan lähellä asukkaita ilman ajanvarausta.', 'Asukkaat saavat terveysneuvontaa lähipalveluna ilman ajanvarausta.'],
      ['Hanke kouluttaa vapaaehtoisia tukihenkilöiksi.', 'Vapaaehtoisista koulutetaan tukihenkilöitä.'],
    ],
    purpose: 'Asukkaiden hyvinvoinnin ja terveyden edistäminen.',
  },
  {
    theme: 'ENTREPRENEURSHIP',
    targetGroups: ['ENTREPRENEURS', 'STUDENTS'],
    titles: [
      ['Yrittäjyyden polku {place}', 'Polku yrittäjäksi – {place}'],
      ['Yhteisötalo yrittäjille {place}', 'Yrittäjien yhteisötalo – {place}'],
      ['Nuoret yrittäjät {place}', 'Yrittäjyys nuorille, {place}'],
    ],
    ideas: [
      ['Aloittavat yrittäjät saavat sparrausta ja mentorin tukea.', 'Mentorit sparraavat aloittavia yrittäjiä.'],
      ['Yhteiset toimitilat madaltavat kynnystä aloittaa yritystoiminta.', 'Kynnys aloittaa yritys madaltuu, kun toimitilat jaetaan.'],
      ['Opiskelijat kehittävät liikeideoita paikallisten yritysten kanssa.', 'Paikalliset yritykset ja opiskelijat kehittävät yhdessä liikeideoita.'],
      ['Hanke järjestää verkostoitumistilaisuuksia alueen yrittäjille.', 'Alueen yrittäjät verkostoituvat hankkeen tilaisuuksissa.'],
    ],
    purpose: 'Yrittäjyyden ja paikallisen elinkeinoelämän vahvistaminen.',
  },
  {
    theme: 'NEIGHBOURHOOD_DEVELOPMENT',
    targetGroups: ['NEIGHBOURHOOD_RESIDENTS'],
    titles: [
      ['Asukastila {place}', 'Tila asukkaille – {place}'],
      ['Viihtyisä lähiö {place}', 'Lähiön viihtyisyys – {place}'],
      ['Kaupunginosaraati {place}', 'Raati kaupunginosalle, {place}'],
    ],
    ideas: [
      ['Asukastila tarjoaa kokoontumispaikan kerhoille ja asukasyhdistyksille.', 'Kerhot ja asukasyhdistykset kokoontuvat asukastilassa.'],
      ['Asukkaat ideoivat lähiympäristön parannuksia kävelykierroksilla.', 'Kävelykierroksilla asukkaat keksivät, miten lähiympäristöä parannetaan.'],
      ['Kaupunginosaraati tuo asukkaiden äänen kaupungin suunnitteluun.', 'Asukkaiden näkemykset välitetään kaupungin suunnitteluun raadin kautta.'],
      ['Yhteiset tapahtumat lisäävät naapurusten tuntemista.', 'Naapurit tutustuvat toisiinsa yhteisissä tapahtumissa.'],
    ],
    purpose: 'Kaupunginosien viihtyisyyden ja asukasosallisuuden lisääminen.',
  },
];

/** Words people swap for one another; applied whole-word, in both directions, to make a paraphrase. */
export const SYNONYMS: ReadonlyArray<readonly [string, string]> = [
  ['kohtaamispaikka', 'olohuone'],
  ['kohtaamispaikan', 'olohuoneen'],
  ['hanke', 'projekti'],
  ['Hanke', 'Projekti'],
  ['hankkeen', 'projektin'],
  ['järjestetään', 'toteutetaan'],
  ['vahvistaa', 'tukea'],
  ['asuinalueella', 'lähiössä'],
  ['ohjausta', 'neuvontaa'],
  ['koulutusta', 'valmennusta'],
  ['vapaaehtoiset', 'talkoolaiset'],
  ['Vapaaehtoiset', 'Talkoolaiset'],
  ['työttömille', 'työnhakijoille'],
  ['kylätalo', 'seurantalo'],
  ['Kylätalo', 'Seurantalo'],
  ['ikäihmiset', 'seniorit'],
  ['Ikäihmiset', 'Seniorit'],
  ['tuottajat', 'viljelijät'],
];

export const ORGANISATION_KINDS = {
  ASSOCIATION: ['Kyläyhdistys', 'Nuorisoseura', 'Asukasyhdistys', 'Kotiseutuyhdistys', 'Urheiluseura', 'Marttayhdistys', 'Kulttuuriyhdistys', 'Monikulttuurinen yhdistys', 'Työttömien yhdistys', 'Eläkeläisyhdistys'],
  FOUNDATION: ['Säätiö'],
  COMPANY: ['Osuuskunta', 'Palvelu', 'Maatila', 'Luomu', 'Elämys'],
  EDUCATIONAL: ['Kansalaisopisto', 'Kansanopisto'],
  PARISH: ['Seurakunta'],
} as const;

export const ORGANISATION_NAMES = [
  'Kipinä', 'Kotikulma', 'Ahjo', 'Lähde', 'Sampo', 'Tuulensuu', 'Kaarna', 'Virta', 'Kajo', 'Pihlaja', 'Kanerva', 'Kuura',
  'Aamurusko', 'Kelo', 'Saaristo', 'Honka', 'Kataja', 'Louhi', 'Otava', 'Revontuli', 'Satokori', 'Tervas', 'Ilo', 'Verso',
  'Kaiku', 'Helmi', 'Kuutamo', 'Aalto', 'Kehä', 'Silta', 'Kasvu', 'Polku', 'Kyläraitti', 'Mesikämmen', 'Tähkä', 'Ruis',
];

/** A postal area's name as written in text: Posti writes them in capitals. */
export function placeName(upper: string): string {
  return upper.toLocaleLowerCase('fi').replace(/(^|[\s-])(\p{L})/gu, (_match, before: string, letter: string) => before + letter.toLocaleUpperCase('fi'));
}

/** Replaces whole words with their synonyms (either direction). */
export function withSynonyms(text: string): string {
  const map = new Map<string, string>();
  for (const [a, b] of SYNONYMS) {
    map.set(a, b);
    map.set(b, a);
  }
  return text.replace(/\p{L}+/gu, (word) => map.get(word) ?? word);
}
